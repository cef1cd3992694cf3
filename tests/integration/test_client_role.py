"""The client role on a play of two Docker hosts: one docker_tls_files run per bundle writes the bundle
and every host's env file, each naming its own host's address (templated with that host's variables),
idempotent, in check mode and diff without content, under --limit only the hosts in the play, and only
for the hosts whose docker_client_env_files is true."""

import os
import re
import stat

from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import CoreAdapter
from engine_bed import ansible_playbook

APPLIES = CoreAdapter.load()[0] is not None

# docker1 is reached at its ansible_host, docker2 (no ansible_host) at its inventory name on its own port.
INVENTORY = '''docker_hosts:
  hosts:
    docker1: {ansible_connection: local, ansible_host: 192.0.2.10}
    docker2: {ansible_connection: local, docker_daemon_tls_port: 2377}
'''
PLAYBOOK = '''
- hosts: docker_hosts
  gather_facts: false
  become: true
  tasks:
    - name: A PKI where docker_pki_dir points by default
      tprov.docker.docker_tls_pki:
        dir: "{{ inventory_dir }}/pki"
        servers: [{name: docker1, subject_alt_names: ["DNS:docker1"]}, {name: docker2, subject_alt_names: ["DNS:docker2"]}]
        clients: [{name: admin}]
      delegate_to: localhost
      run_once: true
    - name: The client role
      ansible.builtin.import_role:
        name: tprov.docker.client
      vars:
        docker_client_bundles: [{name: admin, user: root, dir: "{{ inventory_dir }}/bundle"}]
'''


def _run(tmp_path, *args):
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(INVENTORY)
    rc, output, _recap = ansible_playbook(PLAYBOOK, str(tmp_path), list(args), inventory=str(inventory))
    assert rc == 0, output[-4000:]
    recap = dict((host, int(changed)) for host, changed in re.findall(r'^(docker\d)\s*:.*changed=(\d+)', output, re.M))
    return output, recap


def _env_file(bundle, host, docker_host):
    return ('# Written by tprov.docker (role tprov.docker.client). Use: . %s/tprov-%s.env\n'
            'export DOCKER_HOST=%s\nexport DOCKER_TLS_VERIFY=1\nexport DOCKER_CERT_PATH=%s\n'
            % (bundle, host, docker_host, bundle))


def test_one_run_writes_the_env_file_of_every_host(tmp_path):
    bundle = tmp_path / 'bundle'
    output, recap = _run(tmp_path, '-v')  # one line per result
    expected = {'docker1': _env_file(bundle, 'docker1', 'tcp://192.0.2.10:2376'),
                'docker2': _env_file(bundle, 'docker2', 'tcp://docker2:2377')}
    for host, content in expected.items():
        path = bundle / ('tprov-%s.env' % host)
        assert path.read_text() == content
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        assert stat.S_IMODE(os.stat(bundle / name).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(bundle).st_mode) == 0o700
    # One module run wrote the bundle and both env files: its one result lists them all.
    results = [line for line in output.splitlines() if '"tprov-docker1.env"' in line or '"tprov-docker2.env"' in line]
    assert len(results) == 1, results
    assert all('"%s"' % name in results[0] for name in ('key.pem', 'tprov-docker1.env', 'tprov-docker2.env'))

    output, recap = _run(tmp_path, '-vvv')
    assert recap == {'docker1': 0, 'docker2': 0}
    # The play's become: true, run by root, is a become Ansible skips: the client's modules ran in process.
    if APPLIES and os.geteuid() == 0:
        assert 'running docker_tls_files in the worker process' in output
        assert 'running docker_client_context in the worker process' in output

    # Check mode and diff: docker2's file would be written, nothing is, and no content is shown.
    (bundle / 'tprov-docker2.env').unlink()
    output, recap = _run(tmp_path, '--check', '--diff')
    assert recap['docker1'] == 1
    assert '+++ after: %s' % (bundle / 'tprov-docker2.env') in output
    assert 'export DOCKER' not in output and 'PRIVATE KEY' not in output
    assert not (bundle / 'tprov-docker2.env').exists()

    # --limit: only the hosts in the play get their env file; the others' are kept as they are.
    (bundle / 'tprov-docker1.env').write_text('# the admin edited it\n')
    _output, recap = _run(tmp_path, '--limit', 'docker2')
    assert (bundle / 'tprov-docker2.env').read_text() == expected['docker2']
    assert (bundle / 'tprov-docker1.env').read_text() == '# the admin edited it\n'

    # Without env files, the bundle only; a host's own docker_client_env_files (a host variable) counts for it.
    for host in ('docker1', 'docker2'):
        (bundle / ('tprov-%s.env' % host)).unlink()
    _run(tmp_path, '-e', 'docker_client_env_files=false')
    assert sorted(p.name for p in bundle.iterdir()) == ['ca.pem', 'cert.pem', 'contexts', 'key.pem']
    (tmp_path / 'host_vars').mkdir()
    (tmp_path / 'host_vars' / 'docker2.yml').write_text('docker_client_env_files: false\n')
    _run(tmp_path)
    assert (bundle / 'tprov-docker1.env').read_text() == expected['docker1']
    assert not (bundle / 'tprov-docker2.env').exists()


PER_HOST_INVENTORY = '''docker_hosts:
  vars:
    docker_client_bundles: [{name: admin, user: root, dir: "{{ inventory_dir }}/bundle"}]
  hosts:
    docker1: {ansible_connection: local, ansible_host: 192.0.2.10}
    docker2:
      ansible_connection: local
      docker_client_bundles:
        - {name: admin, user: root, dir: "{{ inventory_dir }}/bundle"}
        - {name: ci, user: root, dir: "{{ inventory_dir }}/bundle-ci"}
'''
PER_HOST_PLAYBOOK = '''
- hosts: docker_hosts
  gather_facts: false
  tasks:
    - name: A PKI with both clients
      tprov.docker.docker_tls_pki:
        dir: "{{ inventory_dir }}/pki"
        servers: [{name: docker1, subject_alt_names: ["DNS:docker1"]}, {name: docker2, subject_alt_names: ["DNS:docker2"]}]
        clients: [{name: admin}, {name: ci}]
      delegate_to: localhost
      run_once: true
    - name: The client role
      ansible.builtin.import_role:
        name: tprov.docker.client
'''


def test_bundles_declared_for_one_host_only_are_installed_and_cleaned_up(tmp_path):
    """The bundle includes run once per play, over every host's docker_client_bundles, not the first host's."""
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(PER_HOST_INVENTORY)
    rc, output, _recap = ansible_playbook(PER_HOST_PLAYBOOK, str(tmp_path), [], inventory=str(inventory))
    assert rc == 0, output[-4000:]
    for bundle in ('bundle', 'bundle-ci'):
        assert (tmp_path / bundle / 'key.pem').exists(), bundle
    contexts = tmp_path / 'bundle-ci' / 'contexts' / 'meta'
    assert len(list(contexts.iterdir())) == 2  # one per Docker host
    # ci revoked: its bundle is no longer installed, and the contexts the role wrote for it go.
    rc, output, _recap = ansible_playbook(PER_HOST_PLAYBOOK, str(tmp_path),
                                          ['-e', '{"docker_tls_clients": [{"name": "admin"}, {"name": "ci", "state": "absent"}]}'],
                                          inventory=str(inventory))
    assert rc == 0, output[-4000:]
    assert list(contexts.iterdir()) == []


def _both_bundles_installed(tmp_path):
    """The per-host inventory's first run: admin and ci installed, ci with a context per Docker host."""
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(PER_HOST_INVENTORY)
    rc, output, _recap = ansible_playbook(PER_HOST_PLAYBOOK, str(tmp_path), [], inventory=str(inventory))
    assert rc == 0, output[-4000:]
    contexts = tmp_path / 'bundle-ci' / 'contexts' / 'meta'
    assert len(list(contexts.iterdir())) == 2
    return inventory, contexts


def test_a_bundle_no_client_entry_names_is_revoked_with_revoke_unlisted(tmp_path):
    """docker_pki_revoke_unlisted revokes the bundles on disk no docker_tls_clients entry names; the client role
    counts them as revoked too: it installs none and removes the contexts it wrote (before, only state: absent)."""
    inventory, contexts = _both_bundles_installed(tmp_path)
    # ci unlisted, but not revoked: its bundle is still the PKI's, and still installed.
    unlisted = '{"docker_tls_clients": [{"name": "admin"}]'
    rc, output, _recap = ansible_playbook(PER_HOST_PLAYBOOK, str(tmp_path), ['-e', unlisted + '}'], inventory=str(inventory))
    assert rc == 0, output[-4000:]
    assert len(list(contexts.iterdir())) == 2
    (tmp_path / 'bundle-ci' / 'key.pem').unlink()
    rc, output, _recap = ansible_playbook(PER_HOST_PLAYBOOK, str(tmp_path),
                                          ['-e', unlisted + ', "docker_pki_revoke_unlisted": true}'], inventory=str(inventory))
    assert rc == 0, output[-4000:]
    assert list(contexts.iterdir()) == []
    assert not (tmp_path / 'bundle-ci' / 'key.pem').exists()
    assert (tmp_path / 'bundle' / 'key.pem').exists()


def test_a_client_the_rollover_in_progress_revoked_stays_revoked_in_a_run_without_the_variables_that_did(tmp_path):
    """The pki role's run reports the revocations of the rollover in progress (rollover.revoked); the client role counts
    them, also in a later run that no longer says docker_pki_revoke_unlisted (rotate_certs.yml, a run without -e)."""
    inventory, contexts = _both_bundles_installed(tmp_path)
    playbook = """
- hosts: docker_hosts
  gather_facts: false
  tasks:
    - name: The PKI, ci no longer listed
      tprov.docker.docker_tls_pki:
        dir: "{{ inventory_dir }}/pki"
        servers: [{name: docker1, subject_alt_names: ["DNS:docker1"]}, {name: docker2, subject_alt_names: ["DNS:docker2"]}]
        clients: [{name: admin}]
        revoke_unlisted: "{{ docker_pki_revoke_unlisted | default(false) }}"
      delegate_to: localhost
      run_once: true
      register: docker_pki_issued
    - name: The client role
      ansible.builtin.import_role:
        name: tprov.docker.client
"""
    rc, output, _recap = ansible_playbook(playbook, str(tmp_path), ['-e', '{"docker_pki_revoke_unlisted": true}'],
                                          inventory=str(inventory))
    assert rc == 0, output[-4000:]
    assert list(contexts.iterdir()) == []
    (tmp_path / 'bundle-ci' / 'key.pem').unlink()
    rc, output, _recap = ansible_playbook(playbook, str(tmp_path), [], inventory=str(inventory))
    assert rc == 0, output[-4000:]
    assert '"ci"' in (tmp_path / 'pki' / 'rollover.json').read_text()
    assert list(contexts.iterdir()) == [] and not (tmp_path / 'bundle-ci' / 'key.pem').exists()


def test_the_remove_contexts_entry_point_removes_one_bundles_contexts(tmp_path):
    """tasks_from: remove_contexts (documented in meta/argument_specs.yml) removes the contexts the role wrote for
    the bundle given, and only those."""
    _run(tmp_path)
    contexts = tmp_path / 'bundle' / 'contexts' / 'meta'
    assert len(list(contexts.iterdir())) == 2
    playbook = '''
- hosts: docker_hosts
  gather_facts: false
  tasks:
    - name: Remove the bundle's contexts
      ansible.builtin.include_role:
        name: tprov.docker.client
        tasks_from: remove_contexts
      vars:
        docker_client_bundle: {name: admin, user: root, dir: "{{ inventory_dir }}/bundle"}
'''
    rc, output, _recap = ansible_playbook(playbook, str(tmp_path), [], inventory=str(tmp_path / 'hosts.yml'))
    assert rc == 0, output[-4000:]
    assert list(contexts.iterdir()) == []
    assert (tmp_path / 'bundle' / 'key.pem').exists()  # the bundle itself stays
