"""The action plugins' in-process path against the module-as-a-process path, on the real engine.

When a task runs on the controller with the controller's Python, the action plugin runs the module's
main() inside Ansible's worker (plugins/plugin_utils/in_process.py). These tests run one playbook
both ways (``tprov_docker_in_process`` true / false) and require the same results: changed flags,
failure messages, no_log masking, check and diff mode, file modes, loops; and that the shortcut is
not taken where it could differ (task environment, another interpreter).

On an ansible-core release the in-process adapter was not tested on (or lacking one of its private
names), both runs go through the process path; the same comparison holds, and -vvv must say why.
"""

import json
import os
import re
import stat

import pytest

from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import CoreAdapter
from engine_bed import ansible_playbook
from tprov_testlib import docker

# Whether this ansible-core runs modules in the worker, and if not, the reason -vvv gives.
ADAPTER, NOT_APPLIED = CoreAdapter.load()
APPLIES = ADAPTER is not None

# Values that differ between any two runs, whichever path ran them.
VOLATILE = {'serial', 'fingerprint_sha256', 'not_after', 'not_before', 'id', 'Id', 'actions', 'Created',
            'StartedAt', 'FinishedAt', 'Pid', 'SystemTime', 'ContainersRunning', 'ContainersStopped',
            'Containers', 'Images', 'NGoroutines', 'NFd', 'NEventsListener', 'MemTotal', 'container', 'after',
            'before', 'diff', 'size'}  # size: a certificate's length varies with its random serial and signature

PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  vars:
    name: "{name}"
    pki: "{pki}"
  tasks:
    - name: Create (check mode, diff)
      tprov.docker.docker_api_container: {{name: "{{{{ name }}}}", image: tprov-test/busybox:latest,
                                           command: [sleep, "300"], memory: 32m}}
      check_mode: true
      diff: true
      register: planned
    - name: Create
      tprov.docker.docker_api_container: {{name: "{{{{ name }}}}", image: tprov-test/busybox:latest,
                                           command: [sleep, "300"], memory: 32m}}
      register: created
    - name: Unchanged
      tprov.docker.docker_api_container: {{name: "{{{{ name }}}}", image: tprov-test/busybox:latest,
                                           command: [sleep, "300"], memory: 32m}}
      register: unchanged
    - name: Bad memory size
      tprov.docker.docker_api_container: {{name: "{{{{ name }}}}", image: tprov-test/busybox:latest, memory: 12x}}
      register: bad_size
      ignore_errors: true
    - name: Unsupported option
      tprov.docker.docker_api_container: {{name: "{{{{ name }}}}", image: tprov-test/busybox:latest, bogus: 1}}
      register: unsupported
      ignore_errors: true
    - name: Batch, looped twice (the second iteration runs in the same worker)
      tprov.docker.docker_api_containers:
        containers: [{{name: "{{{{ name }}}}-{{{{ item }}}}", image: tprov-test/busybox:latest,
                      command: [sleep, "300"]}}]
      loop: [a, b]
      register: batch
    - name: PKI with a passphrase (no_log)
      tprov.docker.docker_tls_pki:
        dir: "{{{{ pki }}}}"
        ca_passphrase: in-process-passphrase-Qw3
        servers: [{{name: h1, subject_alt_names: ['IP:127.0.0.1']}}]
        clients: [{{name: admin}}]
      register: pki_run
    - name: A CA with file attributes
      tprov.docker.docker_tls_cert: {{kind: ca, dir: "{{{{ pki }}}}/single", mode: '0640'}}
      register: single
    - name: Engine info
      tprov.docker.docker_api_info:
      register: info
    - name: Results
      ansible.builtin.copy:
        content: "{{{{ dict(planned=planned, created=created, unchanged=unchanged, bad_size=bad_size,
                            unsupported=unsupported, batch=batch, pki=pki_run, single=single,
                            info=info) | to_json }}}}"
        dest: "{out}"
        mode: '0600'
'''

MARK = 'in the worker process'


# AnsiballZ's random payload directory: ansible-core < 2.19 adds the module's traceback (its file
# paths) to a failure at -vvv, and both runs take the process path there.
PAYLOAD_DIR = re.compile(r'/ansible_tprov\.docker\.\w+_payload_\w+/')


def _normalize(value):
    if isinstance(value, dict):
        return dict((k, '<volatile>' if k in VOLATILE else _normalize(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    if isinstance(value, str):
        return PAYLOAD_DIR.sub('/<payload>/', value)
    return value


def _run(tmp_path, unique_name, in_process):
    tag = 'inproc' if in_process else 'module'
    name = '%s-%s' % (unique_name, tag)
    pki = tmp_path / ('pki-' + tag)
    (pki / 'single').mkdir(parents=True)
    out = tmp_path / ('result-%s.json' % tag)
    playbook = PLAYBOOK.format(name=name, pki=pki, out=out)
    rc, output, recap = ansible_playbook(playbook, str(tmp_path), ['-vvv', '-e', 'tprov_docker_in_process=%s'
                                                                   % in_process])
    assert rc == 0, output[-4000:]
    assert 'in-process-passphrase-Qw3' not in output
    assert 'Traceback' not in output
    with open(out) as handle:
        results = json.load(handle)
    mode = stat.S_IMODE(os.stat(pki / 'single' / 'ca.pem').st_mode)
    key_mode = stat.S_IMODE(os.stat(pki / 'ca-key.pem').st_mode)
    return results, output, (mode, key_mode), name


@pytest.fixture
def cleanup_containers(unique_name):
    yield
    names = docker('ps', '-aq', '--filter', 'name=%s' % unique_name).stdout.split()
    if names:
        docker('rm', '-f', *names)


def test_in_process_gives_the_module_results(tmp_path, busybox_image, unique_name, cleanup_containers):
    fast, fast_log, fast_modes, fast_name = _run(tmp_path, unique_name, True)
    slow, slow_log, slow_modes, slow_name = _run(tmp_path, unique_name, False)

    # Every tprov.docker task of the first run took the shortcut, none of the second did; on a
    # release without the adapter, neither did, and each task said why.
    assert fast_log.count(MARK) == (10 if APPLIES else 0), fast_log[-3000:]
    assert slow_log.count(MARK) == 0
    if not APPLIES:
        assert fast_log.count('as its own process: %s' % NOT_APPLIED) == 10, fast_log[-3000:]
    assert 'Using module file' in slow_log

    fast_text = json.dumps(fast).replace(fast_name, '<name>').replace('pki-inproc', 'pki-X')
    slow_text = json.dumps(slow).replace(slow_name, '<name>').replace('pki-module', 'pki-X')
    assert _normalize(json.loads(fast_text)) == _normalize(json.loads(slow_text))
    assert fast_modes == slow_modes == (0o640, 0o600)

    # The results themselves are right, not just equal.
    assert fast['planned']['changed'] and fast['planned']['diff']['after']
    assert fast['created']['changed'] and not fast['unchanged']['changed']
    assert fast['bad_size']['failed'] and fast['bad_size']['msg'].startswith("memory: '12x' is not a size")
    assert fast['unsupported']['msg'].startswith('Unsupported parameters for (tprov.docker.docker_api_container)')
    assert [r['changed'] for r in fast['batch']['results']] == [True, True]
    assert [c['name'] for r in fast['batch']['results'] for c in r['containers']] == [
        fast_name + '-a', fast_name + '-b']
    assert fast['pki']['changed'] and list(fast['pki']['servers']) == ['h1']
    masked = '"ca_passphrase": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"'
    assert fast_log.count(masked) == slow_log.count(masked)
    if APPLIES:  # ansible-core 2.19/2.20 show the invocation at -vvv (2.21 does not)
        assert fast_log.count(masked) == 1
    assert fast['info']['version']['ApiVersion'] and fast['info']['api_version']


def test_in_process_applies_the_task_environment_and_puts_it_back(tmp_path, engine):
    """environment: reaches the module in-process as it would its own process, per loop iteration."""
    playbook = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: DOCKER_HOST from the task environment, one bad socket then the real one
      tprov.docker.docker_api_info:
      environment: {DOCKER_HOST: "{{ item }}"}
      loop: [unix:///nonexistent/docker.sock, "unix://%s"]
      register: probes
      ignore_errors: true
    - name: The first iteration used the bad socket, the second the engine
      ansible.builtin.assert:
        that:
          - probes.results[0] is failed
          - "'/nonexistent/docker.sock' in probes.results[0].msg"
          - probes.results[1] is succeeded
    - name: Without environment, the controller's own (no DOCKER_HOST) is back
      tprov.docker.docker_api_info:
''' % engine
    rc, output, _recap = ansible_playbook(playbook, str(tmp_path), ['-vvv'])
    assert rc == 0, output[-4000:]
    assert output.count(MARK) == (3 if APPLIES else 0)


def test_in_process_not_taken_where_it_could_differ(tmp_path, engine):
    playbook = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: With another interpreter
      tprov.docker.docker_api_info:
      vars: {ansible_python_interpreter: /nonexistent/python3}
      ignore_errors: true
      register: other
    - name: The other interpreter was really used
      ansible.builtin.assert:
        that: [other is failed]
    - name: Async
      tprov.docker.docker_api_info:
      async: 30
      poll: 1
'''
    rc, output, _recap = ansible_playbook(playbook, str(tmp_path), ['-vvvv'])
    assert rc == 0, output[-4000:]
    assert MARK not in output
    if not APPLIES:
        assert output.count('as its own process: %s' % NOT_APPLIED) == 2
        return
    assert 'as its own process: the interpreter (/nonexistent/python3) is not this Python' in output
    assert 'as its own process: the task is async' in output


@pytest.mark.skipif(os.geteuid() != 0, reason='becomes root: needs the controller to run as root')
def test_in_process_under_a_become_ansible_skips(tmp_path, engine):
    """A play's become: true, run by root: Ansible runs the module without it (root to root), so in
    process too; with become_allow_same_user, Ansible carries it out (through su here), so as a process."""
    playbook = '''
- hosts: localhost
  gather_facts: false
  become: true
  become_method: ansible.builtin.su
  tasks:
    - name: Engine info, under a become to root
      tprov.docker.docker_api_info:
'''
    env = {'USER': 'root', 'LOGNAME': 'root'}
    rc, output, _recap = ansible_playbook(playbook, str(tmp_path), ['-vvvv'], env=env)
    assert rc == 0, output[-4000:]
    assert output.count(MARK) == (1 if APPLIES else 0), output[-3000:]
    if APPLIES:
        assert 'become is set, but to root, the user the task already runs as' in output
    rc, output, _recap = ansible_playbook(playbook, str(tmp_path), ['-vvvv'],
                                          env=dict(env, ANSIBLE_BECOME_ALLOW_SAME_USER='1'))
    assert rc == 0, output[-4000:]
    assert MARK not in output
    assert 'BECOME-SUCCESS-' in output, output[-3000:]  # su really ran the module
    if APPLIES:
        assert 'as its own process: become is set (root to root)' in output
