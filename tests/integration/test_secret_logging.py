"""What the modules send to the managed host's syslog/journal holds no secret (issue 13, items 1-2).

AnsibleModule logs "Invoked with ..." on the host it runs on. The modules run through a real
ansible-playbook, in the worker and as AnsiballZ processes, inside syslog_capture's namespace:
the assertions read what they actually sent to /dev/log.
"""

import json
import os
import re

import pytest

from engine_bed import BUSYBOX, ansible_playbook, issue_pki
from syslog_capture import SyslogCapture

REGISTRY_PASSWORD = 'reg-Pa55-w0rd-9sK2'
IMAGE_PASSWORD = 'img-Pa55-w0rd-4hQ7'
CA_PASSPHRASE = 'ca-passphrase-Lx3m'
INLINE_PEM = ('-----BEGIN PRIVATE KEY-----\nInLiNeKeYLineOne0123456789abcdefABCDEF\n'
              'InLiNeKeYLineTwo0123456789abcdefABCDEF\n-----END PRIVATE KEY-----\n')

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Files, one from src and one inline
      tprov.docker.docker_tls_files:
        dest: "{dest}"
        files:
          - {{name: server-key.pem, src: "{pki}/server/server-key.pem"}}
          - name: inline-key.pem
            content: "{inline}"
    - name: An image entry with registry credentials (present, so nothing is pulled)
      tprov.docker.docker_api_containers:
        images:
          - {{name: "{image}", registry_username: someone, registry_password: "{registry_password}"}}
    - name: The single-image module with a password
      tprov.docker.docker_api_image:
        name: "{image}"
        registry_username: someone
        registry_password: "{image_password}"
    - name: A PKI with an encrypted CA key
      tprov.docker.docker_tls_pki:
        dir: "{tmp}/pki2"
        ca_passphrase: "{passphrase}"
        servers: [{{name: server, subject_alt_names: ["DNS:localhost"]}}]
        clients: [{{name: admin}}]
    - name: A single certificate signed with the encrypted CA key
      tprov.docker.docker_tls_cert:
        kind: client
        dir: "{tmp}/pki2/clients/admin"
        ca_path: "{tmp}/pki2/ca.pem"
        ca_key_path: "{tmp}/pki2/ca-key.pem"
        ca_passphrase: "{passphrase}"
        common_name: admin
        force: true
'''


@pytest.fixture
def capture():
    cap = SyslogCapture()
    yield cap
    cap.close()


def key_lines(path):
    return [line for line in open(path).read().splitlines() if line and not line.startswith('-----')]


@pytest.mark.parametrize('in_process', [True, False])
def test_no_secret_reaches_syslog(tmp_path, capture, busybox_image, in_process):
    pki = str(tmp_path / 'pki')
    issue_pki(pki)
    play = PLAY.format(dest=tmp_path / 'tls', pki=pki, inline=INLINE_PEM.replace('\n', '\\n'), image=BUSYBOX,
                       registry_password=REGISTRY_PASSWORD, image_password=IMAGE_PASSWORD, tmp=tmp_path,
                       passphrase=CA_PASSPHRASE)
    rc, output, recap = ansible_playbook(play, str(tmp_path), ['-e', 'tprov_docker_in_process=%s' % in_process],
                                         prefix=capture.prefix)
    assert rc == 0, output[-3000:]
    logged = capture.text()
    # The capture sees the modules' own log lines, so the assertions below can fail.
    for module in ('docker_tls_files', 'docker_api_containers', 'docker_api_image', 'docker_tls_pki',
                   'docker_tls_cert'):
        assert '%s: Invoked with' % module in logged, logged[:2000]
    secrets = key_lines(os.path.join(pki, 'server', 'server-key.pem')) + key_lines(
        str(tmp_path / 'pki2' / 'ca-key.pem')) + key_lines(str(tmp_path / 'pki2' / 'clients' / 'admin' / 'key.pem')) + [
        'InLiNeKeYLineOne', 'InLiNeKeYLineTwo', REGISTRY_PASSWORD, IMAGE_PASSWORD, CA_PASSPHRASE]
    leaked = [s for s in secrets if s in logged]
    assert not leaked, 'logged: %s\n%s' % (leaked, logged)
    # The log still says what ran, with the secrets masked.
    assert 'inline-key.pem' in logged and 'NOT_LOGGING_PARAMETER' in logged


LATER_PASSWORD = 'later-entry-Pa55-7vQ'
LATER_PEM = '-----BEGIN PRIVATE KEY-----\nLaTeRkEyLine0123456789\nLaTeRkEyLine9876543210\n-----END PRIVATE KEY-----\n'


@pytest.mark.parametrize('module_name, args', [
    # An earlier entry fails the module's own per-entry validation...
    ('docker_api_containers', dict(images=[
        dict(name='busybox', state='bogus'),
        dict(name='alpine', registry_username='u', registry_password=LATER_PASSWORD)])),
    ('docker_api_containers', dict(images=[
        dict(name='busybox'), dict(name='busybox'),
        dict(name='alpine', registry_username='u', registry_password=LATER_PASSWORD)])),
    # ...or AnsibleModule's validation of another option fails first.
    ('docker_api_containers', dict(prune='not-a-bool', images=[
        dict(name='alpine', registry_username='u', registry_password=LATER_PASSWORD)])),
    ('docker_tls_files', dict(dest='/nonexistent/x', files=[
        'not-a-dict', dict(name='key.pem', content=LATER_PEM)])),
    ('docker_tls_files', dict(dest='/nonexistent/x', files=[
        dict(name='a.pem', mode='bogus-mode'), dict(name='key.pem', content=LATER_PEM)])),
    # A wrong shape: a mapping keyed by name where a list of entries is expected.
    ('docker_tls_files', dict(dest='/nonexistent/x', files={'key.pem': dict(content=LATER_PEM, mode='0600')})),
    ('docker_api_containers', dict(images={'alpine': dict(registry_username='u', registry_password=LATER_PASSWORD)})),
    # A k=v string entry after a failing one.
    ('docker_api_containers', dict(images=[
        dict(name='busybox', bogus=1), 'name=alpine registry_username=u registry_password=%s' % LATER_PASSWORD])),
    # A misspelt option: AnsibleModule refuses it with the value in invocation.
    ('docker_api_containers', dict(images=[], registry_pasword=LATER_PASSWORD)),
    # A misspelt key in the failing entry itself.
    ('docker_api_containers', dict(images=[dict(name='busybox', registry_username='u',
                                                registry_pasword=LATER_PASSWORD)])),
])
def test_failing_entry_does_not_expose_later_secrets(module, module_name, args):
    result = module(module_name, args)
    assert result.failed, result
    for secret in (LATER_PASSWORD, 'LaTeRkEyLine'):
        assert secret not in result.raw, result.raw


TYPO_PASSWORD = 'typo-Pa55-w0rd-3Jx8'
SHAPE_PASSWORD = 'shape-Pa55-w0rd-8Lq1'
STRING_PASSWORD = 'string-Pa55-w0rd-5Wd0'
SHAPE_PEM = '-----BEGIN PRIVATE KEY-----\nShApEkEyLine0123456789\n-----END PRIVATE KEY-----\n'

BAD_SHAPES_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: A misspelt password key (the module validates entries after the log line)
      tprov.docker.docker_api_containers:
        images:
          - {{name: busybox, registry_username: u, registry_pasword: "{{{{ typo }}}}"}}
      ignore_errors: true
    - name: The docker_login spelling
      tprov.docker.docker_api_containers:
        images:
          - {{name: busybox, registry_username: u, password: "{{{{ typo }}}}"}}
      ignore_errors: true
    - name: Images keyed by name instead of a list
      tprov.docker.docker_api_containers:
        images:
          alpine: {{registry_username: u, registry_password: "{{{{ shape }}}}"}}
      ignore_errors: true
    - name: Files keyed by name instead of a list
      tprov.docker.docker_tls_files:
        dest: "{tmp}/shape"
        files:
          key.pem: {{content: "{{{{ pem }}}}", mode: "0600"}}
      ignore_errors: true
    - name: A k=v string entry after a failing entry
      tprov.docker.docker_api_containers:
        images:
          - {{name: busybox, bogus: 1}}
          - "name=alpine registry_username=u registry_password={{{{ string }}}}"
      ignore_errors: true
'''


def test_unknown_keys_and_wrong_shapes_reach_neither_syslog_nor_output(tmp_path, capture):
    """Entries validation refuses are refused after the log line: their unknown parts are masked in
    syslog, and registered as no_log values so that -vvv's invocation does not show them either."""
    # Passed as variables: ansible-core shows a failed task's source lines.
    secrets = dict(typo=TYPO_PASSWORD, shape=SHAPE_PASSWORD, string=STRING_PASSWORD, pem=SHAPE_PEM)
    rc, output, recap = ansible_playbook(BAD_SHAPES_PLAY.format(tmp=tmp_path), str(tmp_path),
                                         ['-vvv', '-e', json.dumps(secrets)], prefix=capture.prefix)
    assert recap.get('failed') == 0 and recap.get('ok') == 5, output[-3000:]
    assert output.count('...ignoring') == 5, output[-3000:]
    logged = capture.text()
    assert logged.count('docker_api_containers: Invoked with') == 3, logged[:3000]  # the mapping fails before it
    core = tuple(int(part) for part in re.search(r'\[core (\d+)\.(\d+)', output).groups())
    if core < (2, 21):  # ansible-core 2.21 no longer prints a result's invocation at -vvv; syslog still counts
        assert '"invocation"' in output  # -vvv shows it: the assertions below can fail
    for secret in (TYPO_PASSWORD, SHAPE_PASSWORD, STRING_PASSWORD, 'ShApEkEyLine'):
        assert secret not in logged, logged
        assert secret not in output, output
    assert 'registry_pasword' in logged and 'NOT_LOGGING_PARAMETER' in logged


OLD_DB_PASSWORD = 'old-Db-Pa55-1Zr'
NEW_DB_PASSWORD = 'new-Db-Pa55-8Kt'


@pytest.mark.parametrize('check', [True, False])
def test_rotated_env_value_is_not_in_changes_or_diff(module, busybox_image, unique_name, check):
    """Rotating DB_PASSWORD shows that it changed, not the old value read from the engine nor the new."""
    base = {'name': unique_name, 'image': busybox_image, 'state': 'present', 'command': ['sleep', '300']}
    created = module('docker_api_container', dict(base, env={'DB_PASSWORD': OLD_DB_PASSWORD, 'MODE': 'a'}))
    assert created['changed'], created
    rotated = dict(base, env={'DB_PASSWORD': NEW_DB_PASSWORD, 'MODE': 'a'})
    batch = module('docker_api_containers', {'containers': [rotated]}, check=True, diff=True)
    assert 'env' in [c['option'] for c in batch['containers'][0]['changes']], batch
    single = module('docker_api_container', rotated, check=check, diff=True)
    for shown in (dict(changes=single['changes'], diff=single['diff']),
                  dict(changes=batch['containers'][0]['changes'], diff=batch['diff'])):
        text = json.dumps(shown)
        assert OLD_DB_PASSWORD not in text and NEW_DB_PASSWORD not in text, text
    env_change = [c for c in single['changes'] if c['option'] == 'env'][0]
    before, after = env_change['before'], env_change['after']
    assert before['DB_PASSWORD'] != after['DB_PASSWORD'] and before['MODE'] == after['MODE'], env_change
    assert single['diff']['after']['env'] == after


# Container env values (DB passwords): digests in the syslog line and in invocation, never the value.
ENV_SECRETS = dict(
    single='env-single-Pa55-2Hb', batch='env-batch-Pa55-6Tn', single_bad='env-single-bad-Pa55-0Qe',
    batch_bad='env-batch-bad-Pa55-4Ws', single_list='env-single-list-Pa55-7Yu',
    batch_list='env-batch-list-Pa55-3Ko', single_text='env-single-text-Pa55-9Pa')

ENV_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: One container with a password in env
      tprov.docker.docker_api_container:
        name: "{name}-one"
        image: "{image}"
        command: [sleep, "300"]
        state: present
        env: {{DB_PASSWORD: "{{{{ single }}}}", MODE: "1"}}
    - name: A containers entry with a password in env
      tprov.docker.docker_api_containers:
        containers:
          - {{name: "{name}-two", image: "{image}", command: [sleep, "300"], state: present,
             env: {{DB_PASSWORD: "{{{{ batch }}}}", MODE: "1"}}}}
    - name: env, then an option of the wrong type (Ansible's validation fails)
      tprov.docker.docker_api_container:
        name: "{name}-three"
        image: "{image}"
        env: {{DB_PASSWORD: "{{{{ single_bad }}}}"}}
        read_only: maybe
      ignore_errors: true
    - name: A containers entry with env, then an option of the wrong type (the module's validation fails)
      tprov.docker.docker_api_containers:
        containers:
          - {{name: "{name}-four", image: "{image}", env: {{DB_PASSWORD: "{{{{ batch_bad }}}}"}}, read_only: maybe}}
      ignore_errors: true
    - name: env as a list of NAME=VALUE strings
      tprov.docker.docker_api_container:
        name: "{name}-five"
        image: "{image}"
        env: ["DB_PASSWORD={{{{ single_list }}}}"]
      ignore_errors: true
    - name: A containers entry with env as a list of NAME=VALUE strings
      tprov.docker.docker_api_containers:
        containers:
          - {{name: "{name}-six", image: "{image}", env: ["DB_PASSWORD={{{{ batch_list }}}}"]}}
      ignore_errors: true
    - name: env as k=v text, then a value the module refuses
      tprov.docker.docker_api_container:
        name: "{name}-seven"
        image: "{image}"
        env: "DB_PASSWORD={{{{ single_text }}}}"
        memory: lots
      ignore_errors: true
'''


def without_inspect_data(output):
    """The playbook output with each result's ``container`` key (inspect data, documented as not
    protected: Config.Env is there) left out; the rest of every result stays."""
    decoder = json.JSONDecoder()
    parts, pos, results = [], 0, 0
    for match in re.finditer(r'=> \{', output):
        if match.start() < pos:
            continue
        result, end = decoder.raw_decode(output, match.end() - 1)
        result.pop('container', None)
        for entry in result.get('containers') or []:
            if isinstance(entry, dict):
                entry.pop('container', None)
        parts += [output[pos:match.end() - 1], json.dumps(result)]
        pos, results = end, results + 1
    return ''.join(parts + [output[pos:]]), results


@pytest.mark.parametrize('in_process', [True, False])
def test_container_env_values_are_digests_in_syslog_and_invocation(tmp_path, capture, busybox_image, unique_name,
                                                                   in_process):
    rc, output, recap = ansible_playbook(
        ENV_PLAY.format(name=unique_name, image=busybox_image), str(tmp_path),
        ['-vvv', '-e', json.dumps(ENV_SECRETS), '-e', 'tprov_docker_in_process=%s' % in_process],
        prefix=capture.prefix)
    assert recap.get('failed') == 0 and recap.get('ok') == 7, output[-3000:]
    assert output.count('...ignoring') == 5, output[-3000:]
    logged = capture.text()
    # Ansible's own validation fails before the log line; the others are logged.
    assert logged.count('docker_api_container: Invoked with') == 2, logged[:3000]
    assert logged.count('docker_api_containers: Invoked with') == 3, logged[:3000]
    for name, secret in ENV_SECRETS.items():
        assert secret not in logged, (name, logged)
    # What ran stays readable: the names, each value as its digest.
    assert 'DB_PASSWORD' in logged and 'hidden (' in logged, logged
    assert 'DB_PASSWORD=hidden (' in logged, logged  # the list form keeps the name
    shown, results = without_inspect_data(output)
    assert results == 7, output[-3000:]
    for name, secret in ENV_SECRETS.items():
        assert secret not in shown, (name, shown)
    core = tuple(int(part) for part in re.search(r'\[core (\d+)\.(\d+)', output).groups())
    if core < (2, 21):  # ansible-core 2.21 no longer prints a result's invocation at -vvv
        assert '"invocation"' in output
        assert '"DB_PASSWORD": "hidden (' in shown, shown[-3000:]


ENV_PASSWORD = 'env-invocation-Pa55-5Rf'


@pytest.mark.parametrize('bad', [None, dict(read_only='maybe'), dict(memory='lots')])
def test_container_env_in_invocation_is_the_digest_changes_show(module, busybox_image, unique_name, bad):
    """invocation.module_args shows env as the digests changes use, on success and on a failure."""
    base = dict(name=unique_name, image=busybox_image, command=['sleep', '300'], state='present')
    assert module('docker_api_container', dict(base, env={'MODE': '0'}))['changed']
    args = dict(base, env={'DB_PASSWORD': ENV_PASSWORD, 'MODE': '1'}, **(bad or {}))
    for name, result in (
            ('docker_api_container', module('docker_api_container', args, check=True, diff=True)),
            ('docker_api_containers', module('docker_api_containers', dict(containers=[args]), check=True,
                                             diff=True))):
        assert ENV_PASSWORD not in result.raw, result.raw
        assert bool(result.failed) == bool(bad), result
        invoked = result['invocation']['module_args']
        env = (invoked['containers'][0] if name == 'docker_api_containers' else invoked)['env']
        assert env['DB_PASSWORD'].startswith('hidden (') and env['MODE'].startswith('hidden ('), result
        assert env['DB_PASSWORD'] != env['MODE']
        if not bad:  # the digests changes show in this run
            changes = result['containers'][0]['changes'] if name == 'docker_api_containers' else result['changes']
            assert [c['after'] for c in changes if c['option'] == 'env'] == [env], result


PROXY_PASSWORD = 'Pr0xy-Pa55-Qw7'
MIRROR_PASSWORD = 'M1rr0r-Pa55-Lk3'


@pytest.mark.parametrize('in_process', [True, False])
def test_daemon_json_credentials_reach_neither_syslog_nor_output(tmp_path, capture, in_process):
    """daemon.json keys may carry a proxy's or a mirror's user:password@ (docker_daemon_options): written to
    the file as given, masked in syslog, invocation, the result, the kept-default warning and the diff."""
    from test_daemon_config_module import family_layout
    args = family_layout(tmp_path, 'Debian')
    proxies = {'http-proxy': 'http://ops:%s@proxy.example:3128' % PROXY_PASSWORD}
    mirror = 'https://ops:%s@mirror.example' % MIRROR_PASSWORD
    with open(args['daemon_json_path'], 'w') as handle:
        json.dump({'registry-mirrors': [mirror]}, handle)
    play = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: daemon.json with credentials
      tprov.docker.docker_daemon_config: "{{ args }}"
      vars:
        args: %s
''' % json.dumps(dict(args, daemon_options={'proxies': proxies},
                      daemon_default_options={'registry-mirrors': ['https://mirror.example']}))
    rc, output, recap = ansible_playbook(play, str(tmp_path), ['-vvv', '--diff', '-e',
                                         'tprov_docker_in_process=%s' % in_process], prefix=capture.prefix)
    assert rc == 0 and recap.get('changed') == 1, output[-3000:]
    written = json.load(open(args['daemon_json_path']))
    assert written['proxies'] == proxies and written['registry-mirrors'] == [mirror]
    logged = capture.text()
    assert 'docker_daemon_config: Invoked with' in logged, logged[:3000]
    assert 'the default "registry-mirrors"' in output  # the warning that shows the kept value was printed
    assert '"daemon_options"' in output and 'proxy.example' in output  # the result, masked, was printed
    for secret in (PROXY_PASSWORD, MIRROR_PASSWORD):
        assert secret not in logged, logged
        assert secret not in output, output


@pytest.mark.parametrize('in_process', [True, False])
def test_keys_installed_with_the_daemon_configuration_reach_neither_syslog_nor_output(tmp_path, capture, in_process):
    """docker_daemon_config's tls_files (issue 20: the pki role's files in the daemon role's module run) carries
    the server key: masked in syslog, invocation and -vvv output, and the diff shows digests."""
    from test_daemon_config_module import family_layout
    pki = str(tmp_path / 'pki')
    issue_pki(pki)
    args = family_layout(tmp_path, 'Debian')
    args['tls_files'] = dict(dest=os.path.dirname(args['tls_cert']), dir_mode='0755', files=[
        dict(name='ca.pem', src=os.path.join(pki, 'ca.pem'), mode='0444'),
        dict(name='server-cert.pem', src=os.path.join(pki, 'server', 'server-cert.pem'), mode='0444'),
        dict(name='server-key.pem', src=os.path.join(pki, 'server', 'server-key.pem'), mode='0400'),
        dict(name='inline-key.pem', content=INLINE_PEM, mode='0400')])
    play = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: The certificates and the daemon's configuration in one run
      tprov.docker.docker_daemon_config: "{{ args }}"
      vars:
        args: %s
''' % json.dumps(args)
    rc, output, recap = ansible_playbook(play, str(tmp_path), ['-vvv', '--diff', '-e',
                                         'tprov_docker_in_process=%s' % in_process], prefix=capture.prefix)
    assert rc == 0 and recap.get('changed') == 1, output[-3000:]
    assert open(args['tls_key']).read() == open(os.path.join(pki, 'server', 'server-key.pem')).read()
    logged = capture.text()
    assert 'docker_daemon_config: Invoked with' in logged and 'tls_files=' in logged, logged[:3000]
    # In process only where asked and where the in-process path applies (the matrix's other ansible-core
    # releases run every module as a process, and say so at -vvv).
    untested_core = 'not a release the in-process path was tested on' in output
    assert ('running docker_daemon_config in the worker process' in output) is (in_process and not untested_core)
    secrets = key_lines(os.path.join(pki, 'server', 'server-key.pem')) + ['InLiNeKeYLineOne', 'InLiNeKeYLineTwo']
    for where, text in (('syslog', logged), ('output', output)):
        leaked = [s for s in secrets if s in text]
        assert not leaked, '%s: %s' % (where, leaked)
    assert 'private key, keyed sha256' in output  # the diff names the key's digest
