"""A role used alone, without the pki role before it in the play: the variables it shares with the
other roles (docker_pki_dir, docker_tls_clients, the daemon's port and connect host) still have
their documented defaults, through its dependency on tprov.docker.common."""

import os
import re
import shutil
import subprocess
import sys

from engine_bed import free_port, tls_listener
from tprov_testlib import COLLECTIONS_DIR, REPO_ROOT

INVENTORY = 'docker_hosts:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
# A PKI where docker_pki_dir points by default ({{ inventory_dir }}/pki), with the one client named.
PKI_TASK = '''
    - name: A PKI where docker_pki_dir points by default
      tprov.docker.docker_tls_pki:
        dir: "{{ inventory_dir }}/pki"
        servers: [{name: localhost, subject_alt_names: ["DNS:localhost"]}]
        clients: [{name: %s}]'''


def _play(tmp_path, tasks, collections=COLLECTIONS_DIR, extra=()):
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    play = tmp_path / 'play.yml'
    play.write_text('- hosts: docker_hosts\n  gather_facts: false\n  tasks:\n' + tasks)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-v',
                           '-i', str(tmp_path / 'hosts.yml'), str(play)] + list(extra),
                          capture_output=True, text=True, env=env, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_client_role_alone_finds_the_bundle_in_the_default_pki_dir(tmp_path):
    rc, out = _play(tmp_path, PKI_TASK % 'admin' + '''
    - name: The client role, alone
      ansible.builtin.import_role:
        name: tprov.docker.client
      vars:
        docker_client_bundles: [{name: admin, user: root, dir: "{{ inventory_dir }}/bundle"}]
''')
    assert rc == 0, out[-4000:]
    bundle = tmp_path / 'bundle'
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        assert (bundle / name).read_bytes() == (tmp_path / 'pki' / 'clients' / 'admin' / name).read_bytes()
    env_file = (bundle / 'tprov-localhost.env').read_text()
    assert 'export DOCKER_HOST=tcp://localhost:2376\n' in env_file


def test_containers_role_alone_uses_the_first_clients_bundle(tmp_path):
    # Nothing declared: the module resolves its connection (the bundle's files must exist) and has
    # nothing to ask the daemon. Only ci's bundle exists, the first of docker_tls_clients.
    rc, out = _play(tmp_path, PKI_TASK % 'ci' + '''
    - name: The containers role, alone
      ansible.builtin.import_role:
        name: tprov.docker.containers
      vars:
        docker_tls_clients: [{name: ci}, {name: admin}]
''')
    assert rc == 0, out[-4000:]
    # With admin first, the bundle it names is the one looked for (and missing).
    rc, out = _play(tmp_path, '''
    - name: The containers role, alone, with the default clients (admin)
      ansible.builtin.import_role:
        name: tprov.docker.containers
''')
    assert rc != 0
    assert 'no file at %s' % (tmp_path / 'pki' / 'clients' / 'admin' / 'ca.pem') in out, out[-4000:]


def test_daemon_role_refuses_a_distro_family_without_its_vars_file(tmp_path):
    # Known families are the vars/FAMILY.yml files; any other is refused before anything changes,
    # naming the file to add.
    rc, out = _play(tmp_path, '''
    - name: The daemon role, on a family it has no vars file for
      ansible.builtin.import_role:
        name: tprov.docker.daemon
      vars:
        ansible_facts: {os_family: Plan9}
''')
    assert rc != 0
    assert 'Add roles/daemon/vars/Plan9.yml with docker_daemon_unit_path' in out, out[-4000:]
    assert 'changed=0' in out, out[-4000:]


def test_a_distro_family_is_added_by_its_vars_file_alone(tmp_path):
    # A copy of the collection with roles/daemon/vars/Plan9.yml and no other change: the role loads it
    # (its package list reaches the install step, which fails in check mode on a package no
    # distribution has, before the daemon is touched).
    copy = tmp_path / 'collections' / 'ansible_collections' / 'tprov' / 'docker'
    for part in ('roles', 'plugins', 'meta'):
        shutil.copytree(os.path.join(REPO_ROOT, part), str(copy / part))
    (copy / 'roles' / 'daemon' / 'vars' / 'Plan9.yml').write_text(
        (copy / 'roles' / 'daemon' / 'vars' / 'Debian.yml').read_text().replace(
            '[docker.io]', '[tprov-plan9-no-such-package]') + 'docker_daemon_install: true\n')
    rc, out = _play(tmp_path, '''
    - name: The daemon role, on a family added by its vars file
      ansible.builtin.import_role:
        name: tprov.docker.daemon
      vars:
        ansible_facts: {os_family: Plan9}
''', collections=str(tmp_path / 'collections'), extra=['--check'])
    assert rc != 0
    assert 'Add roles/daemon/vars' not in out, out[-4000:]
    assert 'tprov-plan9-no-such-package' in out, out[-4000:]


def test_roles_that_only_read_client_names_accept_entries_with_other_keys(tmp_path):
    # The entries' keys are the pki role's to check: tprov.docker.common (every role's dependency)
    # checks only that docker_tls_clients is a list of dicts, so a key another tool keeps beside the
    # name does not fail the client role.
    rc, out = _play(tmp_path, PKI_TASK % 'admin' + '''
    - name: The client role, alone, with an entry carrying another key
      ansible.builtin.import_role:
        name: tprov.docker.client
      vars:
        docker_tls_clients: [{name: admin, owner: alice}]
        docker_client_bundles: [{name: admin, user: root, dir: "{{ inventory_dir }}/bundle"}]
''')
    assert rc == 0, out[-4000:]
    assert (tmp_path / 'bundle' / 'cert.pem').read_bytes() == (tmp_path / 'pki' / 'clients' / 'admin' / 'cert.pem').read_bytes()


PROVE_ALONE = '''
    - name: The daemon role's proof, alone
      ansible.builtin.include_role:
        name: tprov.docker.daemon
        tasks_from: prove.yml
      vars:
        docker_pki_dir: %s
        docker_daemon_connect_host: 127.0.0.1
        docker_daemon_tls_port: %d
        docker_daemon_allow_plaintext_tcp: true
'''


def test_the_daemons_proof_holds_with_a_client_bundle_at_the_top_of_the_pki_dir(tls_daemon, tmp_path):
    # A PKI directory adopted from Docker's openssl steps keeps the client's cert.pem/key.pem beside
    # ca.pem. The anonymous probe must not fall back to them (DOCKER_CERT_PATH/cert.pem): it is refused
    # for want of a client certificate, so the proof passes on this correctly secured daemon.
    pki = tmp_path / 'pki'
    pki.mkdir()
    shutil.copy(os.path.join(tls_daemon.pki, 'ca.pem'), str(pki / 'ca.pem'))
    for name in ('cert.pem', 'key.pem'):
        shutil.copy(os.path.join(tls_daemon.pki, 'client', name), str(pki / name))
    rc, out = _play(tmp_path, PROVE_ALONE % (pki, tls_daemon.port))
    assert rc == 0, out[-4000:]
    assert 'Connect with no client certificate (must be refused)' in out, out[-4000:]


def test_the_daemons_proof_fails_on_a_daemon_that_accepts_a_client_without_a_certificate(tls_daemon, tmp_path):
    # A TLS listener with the daemon's certificate that asks for no client certificate (a daemon
    # without --tlsverify, or something else on its port): one handshake shows it, and the play
    # fails saying so. Beside it, a TLS 1.2 listener that refuses the client before its certificate
    # is seen is refused for want of a certificate all the same: the proof holds.
    server = [os.path.join(tls_daemon.pki, 'server', name) for name in ('server-cert.pem', 'server-key.pem')]
    for require_client, tls12_only, expected_rc in ((False, False, 2), (True, True, 0)):
        listener = tls_listener(*server, tls12_only=tls12_only, require_client=require_client)
        try:
            rc, out = _play(tmp_path, PROVE_ALONE % (tls_daemon.pki, listener.getsockname()[1]))
        finally:
            listener.shutdown(2)
            listener.close()
        assert rc == expected_rc, out[-4000:]
        if not require_client:
            assert re.search(r'The daemon at 127\.0\.0\.1:\d+ accepted a client without a certificate', out), out[-4000:]
            assert 'docker_daemon_tls_verify' in out, out[-4000:]


def test_the_daemons_proof_names_the_kind_when_the_daemon_is_not_reached(tls_daemon, tmp_path):
    rc, out = _play(tmp_path, PROVE_ALONE % (tls_daemon.pki, free_port()))
    assert rc == 2, out[-4000:]
    assert 'The daemon was not proven to refuse a client without a certificate (refused)' in out, out[-4000:]


def test_a_wrapper_roles_default_for_a_shared_variable_is_used(tmp_path):
    # The documented precedence (changelog breaking_changes, README's roles section): the shared
    # variables are tprov.docker.common's defaults, which the defaults of a role depending on the
    # client role override (on main the client role's own default won and this one was ignored).
    wrapper = tmp_path / 'roles' / 'wrapper'
    (wrapper / 'meta').mkdir(parents=True)
    (wrapper / 'defaults').mkdir()
    (wrapper / 'meta' / 'main.yml').write_text('dependencies:\n  - role: tprov.docker.client\n')
    (wrapper / 'defaults' / 'main.yml').write_text('docker_pki_dir: "{{ inventory_dir }}/wrapper-pki"\n')
    rc, out = _play(tmp_path, (PKI_TASK % 'admin').replace('/pki"', '/wrapper-pki"') + '''
    - name: The wrapper role
      ansible.builtin.import_role:
        name: wrapper
      vars:
        docker_client_bundles: [{name: admin, user: root, dir: "{{ inventory_dir }}/bundle"}]
''')  # found in roles/ beside the playbook
    assert rc == 0, out[-4000:]
    assert (tmp_path / 'bundle' / 'cert.pem').read_bytes() == (
        tmp_path / 'wrapper-pki' / 'clients' / 'admin' / 'cert.pem').read_bytes()


def test_secure_docker_checks_every_roles_variables_in_its_first_task(tmp_path):
    # The roles are imported without their own checks (rolespec_validate: false); docker_role_arguments checks
    # the variables of all four first, with validate_argument_spec's rules: a wrong type in any role's variable
    # stops the play before a task of the roles runs, naming the variable.
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    playbook = os.path.join(REPO_ROOT, 'playbooks', 'secure_docker.yml')
    for variable, value, role_task in (('docker_daemon_tls_port', 'not-a-port', 'tprov.docker.daemon'),
                                       ('docker_containers', 'not-a-list-of-dicts', 'tprov.docker.containers'),
                                       ('docker_client_context', 'perhaps', 'tprov.docker.client')):
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                               '-i', str(tmp_path / 'hosts.yml'), playbook, '-e', '%s=%s' % (variable, value)],
                              capture_output=True, text=True, env=env, check=False)
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0, out[-3000:]
        assert 'Validation of arguments failed' in out and variable in out, out[-3000:]
        assert 'TASK [tprov.docker.pki' not in out and 'TASK [%s' % role_task not in out, out[-3000:]


def test_secure_docker_checks_variables_templated_from_the_facts_and_skips_a_skipped_roles(tmp_path):
    # The facts are read before the check: a variable templated from them is rendered, not refused. A role
    # skipped by its tag has its variables left unchecked, as its own check was. Check mode, pki only: nothing is
    # written on this machine.
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    playbook = os.path.join(REPO_ROOT, 'playbooks', 'secure_docker.yml')
    containers = '{"docker_containers": [{"name": "web", "image": "busybox", "env": {"NODE": "{{ ansible_facts.fqdn }}"}}]}'
    for extra in (['-e', containers], ['--skip-tags', 'containers', '-e', '{"docker_containers": "not-a-list"}']):
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '--check',
                               '--tags', 'pki', '-i', str(tmp_path / 'hosts.yml'), playbook] + extra,
                              capture_output=True, text=True, env=env, check=False)
        out = proc.stdout + proc.stderr
        check = out.split('TASK [Check the variables', 1)[1].split('TASK [', 1)[0]
        assert 'ok: [localhost]' in check, out[-3000:]
        assert 'Validation of arguments failed' not in out, out[-3000:]


def test_secure_docker_with_the_facts_read_skipped_issues_no_certificate_without_the_fqdn(tmp_path):
    # --skip-tags always skips the playbook's facts read, as Ansible's own fact gathering; the pki steps then stop
    # naming the host, instead of issuing its server certificate without its FQDN. Check mode: nothing is written.
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    playbook = os.path.join(REPO_ROOT, 'playbooks', 'secure_docker.yml')
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '--check',
                           '--tags', 'pki', '--skip-tags', 'always', '-i', str(tmp_path / 'hosts.yml'), playbook],
                          capture_output=True, text=True, env=env, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    assert 'the facts of localhost were not read' in out, out[-3000:]
