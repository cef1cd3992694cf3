"""docker_tls_files through ansible-playbook: src read on the controller by the action plugin, the
module run both in the worker and as its own process, with -vvv and --diff: never a key byte shown."""

import os
import stat

import pytest

from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import CoreAdapter
from engine_bed import ansible_playbook, issue_pki

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Install
      tprov.docker.docker_tls_files:
        dest: "{dest}"
        dir_mode: "0755"
        backup: true
        files:
          - {{name: ca.pem, src: "{pki}/ca.pem", mode: "0444"}}
          - {{name: server-cert.pem, src: "{pki}/server/server-cert.pem", mode: "0444"}}
          - {{name: server-key.pem, src: "{pki}/server/server-key.pem", mode: "0400"}}
          - {{name: host.env, content: "export DOCKER_TLS_VERIFY=1\\n"}}
      register: installed
    - name: Facts for the test
      ansible.builtin.copy:
        content: "{{{{ installed.backups | length }}}}"
        dest: "{dest}.count"
        mode: "0600"
'''


@pytest.mark.parametrize('in_process', [True, False])
def test_install_via_playbook_idempotent_and_silent_about_keys(tmp_path, in_process):
    pki = str(tmp_path / 'pki')
    issue_pki(pki)
    key_lines = [line for line in open(os.path.join(pki, 'server', 'server-key.pem')).read().splitlines()
                 if line and not line.startswith('-----')]
    dest = str(tmp_path / 'tls')
    play = PLAY.format(dest=dest, pki=pki)
    args = ['-vvv', '--diff', '-e', 'tprov_docker_in_process=%s' % in_process]
    rc, output, recap = ansible_playbook(play, str(tmp_path), args)
    assert rc == 0 and recap['changed'] == 2, output[-3000:]
    assert ('in the worker process' in output) is (in_process and CoreAdapter.load()[0] is not None)
    assert open(dest + '.count').read() == '4'
    assert stat.S_IMODE(os.stat(dest + '/server-key.pem').st_mode) == 0o400
    assert open(dest + '/server-key.pem').read() == open(os.path.join(pki, 'server', 'server-key.pem')).read()
    assert 'private key, keyed sha256 ' in output  # the diff names digests...
    assert not any(line in output for line in key_lines)  # ...never a line of the key
    assert 'PRIVATE KEY' not in output

    rc, output, recap = ansible_playbook(play, str(tmp_path), args)
    assert rc == 0 and recap['changed'] == 1, output[-3000:]  # only the copy of the count file ("0")
    assert open(dest + '.count').read() == '0'


def test_missing_src_names_the_entry(tmp_path):
    play = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - tprov.docker.docker_tls_files:
        dest: "%s/tls"
        files: [{name: ca.pem, src: /nonexistent/ca.pem}]
''' % tmp_path
    rc, output, _recap = ansible_playbook(play, str(tmp_path))
    assert rc != 0 and 'files[0].src: cannot read /nonexistent/ca.pem on the controller' in output
    assert 'Traceback' not in output and not os.path.exists(str(tmp_path / 'tls'))


@pytest.mark.parametrize('in_process', [True, False])
def test_vaulted_src_is_installed_decrypted(tmp_path, in_process):
    import subprocess
    import sys
    pki = str(tmp_path / 'pki')
    issue_pki(pki)
    plain_path = os.path.join(pki, 'server', 'server-key.pem')
    plain = open(plain_path).read()
    vaulted = str(tmp_path / 'server-key.pem.vault')
    password_file = tmp_path / 'vault-pass'
    password_file.write_text('vault-test-password\n')
    subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-vault'), 'encrypt',
                    '--vault-password-file', str(password_file), '--output', vaulted, plain_path],
                   check=True, capture_output=True)
    assert open(vaulted).read().startswith('$ANSIBLE_VAULT;')
    dest = str(tmp_path / 'tls')
    play = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - tprov.docker.docker_tls_files:
        dest: "{dest}"
        files:
          - {{name: server-key.pem, src: "{src}", mode: "0400"}}
'''.format(dest=dest, src=vaulted)
    args = ['-vvv', '--diff', '--vault-password-file', str(password_file),
            '-e', 'tprov_docker_in_process=%s' % in_process]
    rc, output, recap = ansible_playbook(play, str(tmp_path), args)
    assert rc == 0 and recap['changed'] == 1, output[-3000:]
    assert open(os.path.join(dest, 'server-key.pem')).read() == plain
    key_lines = [line for line in plain.splitlines() if line and not line.startswith('-----')]
    assert not any(line in output for line in key_lines) and 'vault-test-password' not in output
    rc, output, recap = ansible_playbook(play, str(tmp_path), args)
    assert rc == 0 and recap['changed'] == 0, output[-3000:]
