"""docker_tls filters: docker_pki_paths gives the files docker_tls_pki writes; backup names are parsed with
file_transaction's one scheme."""

import os

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.tprov.docker.plugins.filter.docker_tls import FilterModule, docker_backup_restore_entries, docker_pki_paths
from ansible_collections.tprov.docker.plugins.module_utils.pki import PKI


def test_every_path_the_roles_read_is_a_file_docker_tls_pki_wrote(tmp_path):
    pki_dir = str(tmp_path / 'pki')
    os.makedirs(pki_dir, 0o700)
    PKI(pki_dir).converge([{'name': 'docker1', 'subject_alt_names': ['DNS:docker1']}], [{'name': 'admin'}])
    paths = docker_pki_paths(pki_dir, host='docker1', client='admin')
    for path in (paths['ca'], paths['host']['cert'], paths['host']['key'],
                 paths['client']['ca'], paths['client']['cert'], paths['client']['key']):
        assert os.path.isfile(path), path
    assert paths['dir'] == pki_dir
    assert os.path.dirname(paths['host']['cert']) == paths['host']['dir']
    assert os.path.dirname(paths['client']['cert']) == paths['client']['dir']
    # The directory the daemon role points DOCKER_CERT_PATH at holds no client bundle.
    assert not os.path.exists(os.path.join(paths['dir'], 'cert.pem'))
    # The bundle carries the CA certificate (the same bytes), as ~/.docker wants it.
    assert open(paths['client']['ca'], 'rb').read() == open(paths['ca'], 'rb').read()


def test_remote_files_are_dockers_names_in_remote_dir():
    assert docker_pki_paths('/srv/pki', remote_dir='/etc/docker/tls')['remote'] == {
        'dir': '/etc/docker/tls', 'ca': '/etc/docker/tls/ca.pem', 'cert': '/etc/docker/tls/server-cert.pem',
        'key': '/etc/docker/tls/server-key.pem'}


def test_only_the_parts_asked_for():
    assert sorted(docker_pki_paths('/srv/pki')) == ['ca', 'dir']
    assert sorted(docker_pki_paths('/srv/pki', client='ci')) == ['ca', 'client', 'dir']


@pytest.mark.parametrize('name', ['../admin', 'a/b', '..', ''])
def test_a_name_that_is_not_a_directory_name_is_refused_naming_it(name):
    with pytest.raises(AnsibleFilterError, match='docker_tls_clients'):
        docker_pki_paths('/srv/pki', client=name)


@pytest.mark.parametrize('value', [None, '', ['/srv/pki']])
def test_a_pki_dir_that_is_not_a_path_names_docker_pki_dir(value):
    with pytest.raises(AnsibleFilterError, match='docker_pki_dir'):
        docker_pki_paths(value)


def test_offered_to_ansible():
    assert FilterModule().filters()['docker_pki_paths'] is docker_pki_paths


def test_backups_made_in_the_same_second_are_restore_entries_too():
    # The second backup of a file in one second is NAME.STAMP-1.tprov-backup; the oldest left is taken.
    found = ['/etc/docker/tls/server-key.pem.20261128T101500-2.tprov-backup',
             '/etc/docker/tls/server-key.pem.20261128T101500-1.tprov-backup',
             '/etc/docker/tls/server-cert.pem.20261128T101500-1.tprov-backup']
    assert docker_backup_restore_entries(found) == [
        {'path': '/etc/docker/tls/server-cert.pem',
         'backup': '/etc/docker/tls/server-cert.pem.20261128T101500-1.tprov-backup'},
        {'path': '/etc/docker/tls/server-key.pem',
         'backup': '/etc/docker/tls/server-key.pem.20261128T101500-1.tprov-backup'}]
    first = '/etc/docker/tls/ca.pem.20261128T101500.tprov-backup'
    assert docker_backup_restore_entries([first.replace('00.tprov', '00-1.tprov'), first]) == [
        {'path': '/etc/docker/tls/ca.pem', 'backup': first}]


def test_docker_copy_backup_is_deprecated_where_ansible_reads_it(tmp_path):
    """meta/runtime.yml routes it with a deprecation (removal 1.0.0) that a play using it shows, and the
    filter still answers; its doc says deprecated and what to use instead."""
    import subprocess
    import sys

    import yaml

    from tprov_testlib import COLLECTIONS_DIR, REPO_ROOT
    with open(os.path.join(REPO_ROOT, 'meta', 'runtime.yml')) as handle:
        routing = yaml.safe_load(handle)['plugin_routing']['filter']['docker_copy_backup']['deprecation']
    assert routing['removal_version'] == '1.0.0' and 'restore' in routing['warning_text']
    with open(os.path.join(REPO_ROOT, 'plugins', 'filter', 'docker_copy_backup.yml')) as handle:
        deprecated = yaml.safe_load(handle)['DOCUMENTATION']['deprecated']
    assert deprecated['removed_in'] == '1.0.0' and 'restore' in deprecated['alternative']
    play = tmp_path / 'play.yml'
    play.write_text('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
                    '    - ansible.builtin.debug:\n'
                    '        msg: "{{ {\'dest\': \'/etc/x\', \'backup_file\': \'/etc/x.b\'} | tprov.docker.docker_copy_backup }}"\n')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1',
               ANSIBLE_DEPRECATION_WARNINGS='1', ANSIBLE_LOCALHOST_WARNING='0')
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-c', 'local',
                           '-i', 'localhost,', str(play)], capture_output=True, text=True, env=env, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert '"path": "/etc/x"' in out and '"backup": "/etc/x.b"' in out, out
    assert 'DEPRECATION' in out and 'docker_copy_backup' in out and '1.0.0' in out, out


def test_client_names_by_state_as_the_pki_module_reads_it():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_tls_client_names
    clients = [{'name': 'admin'}, {'name': 'alice', 'state': 'absent'}, {'name': 'ci', 'state': 'present'},
               {'name': 'bob', 'state': None}]
    assert docker_tls_client_names(clients) == ['admin', 'ci', 'bob']
    assert docker_tls_client_names(clients, 'absent') == ['alice']
    assert docker_tls_client_names([]) == []
    with pytest.raises(AnsibleFilterError, match='state must be one of present, absent'):
        docker_tls_client_names(clients, 'revoked')
