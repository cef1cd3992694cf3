"""A role used alone, without the pki role before it in the play: the variables it shares with the
other roles (docker_pki_dir, docker_tls_clients, the daemon's port and connect host) still have
their documented defaults, through its dependency on tprov.docker.common."""

import os
import subprocess
import sys

from tprov_testlib import COLLECTIONS_DIR

INVENTORY = 'docker_hosts:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
# A PKI where docker_pki_dir points by default ({{ inventory_dir }}/pki), with the one client named.
PKI_TASK = '''
    - name: A PKI where docker_pki_dir points by default
      tprov.docker.docker_tls_pki:
        dir: "{{ inventory_dir }}/pki"
        servers: [{name: localhost, subject_alt_names: ["DNS:localhost"]}]
        clients: [{name: %s}]'''


def _play(tmp_path, tasks):
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    play = tmp_path / 'play.yml'
    play.write_text('- hosts: docker_hosts\n  gather_facts: false\n  tasks:\n' + tasks)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-v',
                           '-i', str(tmp_path / 'hosts.yml'), str(play)],
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
