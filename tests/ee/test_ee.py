"""The execution environment, built and used the way AWX uses it.

scripts/build-ee builds ee/execution-environment.yml with ansible-builder (base image from
debootstrap, the collection from its own tarball), then ansible-runner, from a venv that has no
Ansible at all, runs tprov.docker.secure_docker inside that image (--process-isolation with docker)
against a throwaway systemd Docker host reached over SSH: TLS on, a client without a certificate
refused, a second run changed=0.
"""

import glob
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import uuid

import pytest
import yaml

from tprov_testlib import COLLECTIONS_DIR, REPO_ROOT

TESTBED = os.path.join(REPO_ROOT, 'tests', 'testbed')
VENV_BIN = os.path.dirname(os.path.abspath(sys.executable))
EE_IMAGE = 'tprov-test/ee:latest'
HOST_IMAGE = 'tprov-test/docker-host:bookworm'
RUNNER_PIN = 'ansible-runner==2.4.3'


def _run(argv, **kwargs):
    kwargs.setdefault('capture_output', True)
    kwargs.setdefault('text', True)
    return subprocess.run(argv, check=False, **kwargs)


@pytest.fixture(scope='module')
def ee_image():
    proc = _run([os.path.join(REPO_ROOT, 'scripts', 'build-ee'), EE_IMAGE])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return EE_IMAGE


@pytest.fixture(scope='module')
def runner_bin():
    """ansible-runner alone, in its own cached venv: no ansible-core beside it, so a play can only run in the EE."""
    proc = _run([os.path.join(TESTBED, 'tool-venv.sh'), 'ansible-runner', RUNNER_PIN])
    assert proc.returncode == 0, proc.stderr
    bin_dir = os.path.join(proc.stdout.strip(), 'bin')
    assert os.path.exists(os.path.join(bin_dir, 'ansible-runner'))
    assert not os.path.exists(os.path.join(bin_dir, 'ansible-playbook'))
    return bin_dir


def test_image_carries_pinned_ansible_and_the_collection(ee_image):
    script = ('ansible --version | head -1; ansible-runner --version; '
              'ansible-galaxy collection list tprov.docker --format json; '
              'python3 -c "import cryptography, requests, requests_unixsocket; print(\'imports-ok\')"; '
              'command -v ssh')
    proc = _run(['docker', 'run', '--rm', ee_image, 'bash', '-c', script])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    # The ansible-core the collection is tested with (requirements.txt's pin), not whatever pip picked.
    pinned = re.search(r'^ansible-core==(\S+)', open(os.path.join(REPO_ROOT, 'requirements.txt')).read(), re.M).group(1)
    assert lines[0] == 'ansible [core %s]' % pinned, lines[0]
    assert lines[1].strip() == RUNNER_PIN.split('==')[1]
    listed = json.loads(lines[2])
    assert listed['/usr/share/ansible/collections/ansible_collections']['tprov.docker']['version']
    assert lines[3] == 'imports-ok' and lines[4] == '/usr/bin/ssh'


@pytest.fixture
def target(tmp_path):
    """One throwaway systemd host with its own dockerd, reached over SSH (tests/testbed/target-hosts.yml)."""
    subprocess.run([os.path.join(TESTBED, 'build-host-image.sh'), HOST_IMAGE, 'bookworm'], check=True)
    name = 'tprov-ee-target-%s' % uuid.uuid4().hex[:8]
    key = tmp_path / 'target_key'
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_DIR, ANSIBLE_NOCOLOR='1')
    args = [os.path.join(VENV_BIN, 'ansible-playbook'), os.path.join(TESTBED, 'target-hosts.yml'),
            '-e', json.dumps({'tprov_target_names': [name]}), '-e', 'tprov_target_key=%s' % key,
            '-e', 'tprov_target_label=ee', '-e', 'tprov_target_image=%s' % HOST_IMAGE]
    try:
        proc = _run(args, env=env)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
        address = _run(['docker', 'inspect', '--format', '{{.NetworkSettings.IPAddress}}', name]).stdout.strip()
        yield {'name': name, 'address': address, 'key': key}
    finally:
        _run(args + ['-e', 'tprov_target_state=absent'], env=env)


def _private_data_dir(base, target):
    """An ansible-runner private data dir as AWX lays one out: project, inventory, the SSH key as env/ssh_key."""
    pdd = base / 'runner'
    # The app image under a tag of this run's own, so parallel runs never remove each other's.
    app_tag = uuid.uuid4().hex[:8]
    for sub in ('project', 'inventory', 'env'):
        (pdd / sub).mkdir(parents=True)
    # The playbook an AWX project would carry: the collection's own job, from the EE's install.
    (pdd / 'project' / 'site.yml').write_text(
        '---\n- name: Secure the Docker hosts (tprov.docker.secure_docker from the EE)\n'
        '  ansible.builtin.import_playbook: tprov.docker.secure_docker\n')
    # Inside the container the private data dir is /runner; what the play writes there stays here.
    hosts = {'docker_hosts': {
        'hosts': {target['name']: {'ansible_host': target['address']}},
        'vars': {
            'ansible_user': 'root',
            'ansible_ssh_common_args': '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
            'ansible_python_interpreter': '/usr/bin/python3',
            'docker_pki_dir': '/runner/pki',
            'docker_tls_clients': [{'name': 'admin'}],
            'docker_group_members': [],
            'docker_client_bundles': [{'name': 'admin', 'user': 'root', 'host': 'localhost', 'dir': '/runner/client'}],
            # The Engine API from inside the EE, over the new TLS endpoint (requests in the image).
            'docker_images': [{'name': 'tprov-test/ee-app', 'tag': app_tag, 'source': 'load',
                               'load_path': '/runner/app-image.tar'}],
            'docker_containers': [{'name': 'app', 'image': 'tprov-test/ee-app:%s' % app_tag,
                                   'command': ['sleep', 'infinity'], 'restart_policy': 'unless-stopped'}],
        }}}
    (pdd / 'inventory' / 'hosts.yml').write_text(yaml.safe_dump(hosts))
    # A machine credential's key, handed to ssh-agent inside the EE by ansible-runner.
    shutil.copy(str(target['key']), str(pdd / 'env' / 'ssh_key'))
    (pdd / 'env' / 'envvars').write_text(yaml.safe_dump({'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_PIPELINING': 'true'}))
    app = 'tprov-test/ee-app:%s' % app_tag
    subprocess.run([os.path.join(TESTBED, 'build-busybox-image.sh'), app], check=True)
    try:
        subprocess.run(['docker', 'save', '-o', str(pdd / 'app-image.tar'), app], check=True)
    finally:
        _run(['docker', 'rmi', app])
    return pdd, app


def _runner(runner_bin, pdd, image, ident):
    argv = [os.path.join(runner_bin, 'ansible-runner'), 'run', str(pdd), '-p', 'site.yml', '--ident', ident,
            '--process-isolation', '--process-isolation-executable', 'docker', '--container-image', image]
    # Nothing from the test run's Ansible setup leaks in: the EE brings its own collection.
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    proc = _run(argv, env=env, timeout=900)
    artifacts = pdd / 'artifacts' / ident
    stats = [json.loads(open(path).read()) for path in glob.glob(str(artifacts / 'job_events' / '*.json'))]
    stats = [event['event_data'] for event in stats if event.get('event') == 'playbook_on_stats']
    command = json.loads((artifacts / 'command').read_text())['command'] if (artifacts / 'command').exists() else []
    return proc, (stats[0] if stats else None), command


def _tls_get(address, bundle, with_cert=True):
    # Verified as a client dialing the address would: the CA, and the address among the certificate's IP SANs.
    context = ssl.create_default_context(cafile=str(bundle / 'ca.pem'))
    if with_cert:
        context.load_cert_chain(str(bundle / 'cert.pem'), str(bundle / 'key.pem'))
    conn = http.client.HTTPSConnection(address, 2376, context=context, timeout=15)
    try:
        conn.request('GET', '/version')
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_secure_docker_runs_in_the_ee_through_ansible_runner(ee_image, runner_bin, target, tmp_path):
    pdd, app = _private_data_dir(tmp_path, target)
    first, stats, command = _runner(runner_bin, pdd, ee_image, 'converge-1')
    out = first.stdout + first.stderr
    assert first.returncode == 0, out[-6000:]
    # It ran in the container, from the EE's own install of the collection.
    assert command[:2] == ['docker', 'run'] and ee_image in command, command
    assert command[-1].endswith('ansible-playbook -i /runner/inventory site.yml'), command
    host = target['name']
    assert stats and stats['changed'].get(host, 0) > 0 and not stats['failures'] and not stats['dark'], stats

    bundle = pdd / 'client'
    status, version = _tls_get(target['address'], bundle)
    assert status == 200 and version['ApiVersion'], version
    # A client the CA vouches for is answered; one without a certificate is refused in the handshake.
    with pytest.raises((ssl.SSLError, ConnectionResetError, BrokenPipeError)):
        _tls_get(target['address'], bundle, with_cert=False)
    with pytest.raises(OSError):
        socket.create_connection((target['address'], 2375), timeout=3).close()
    listed = _run(['docker', 'exec', host, 'docker', 'ps', '--format', '{{.Names}} {{.Image}}'])
    assert listed.stdout.split('\n')[0] == 'app %s' % app, listed.stdout + listed.stderr

    second, stats = _runner(runner_bin, pdd, ee_image, 'converge-2')[:2]
    assert second.returncode == 0, (second.stdout + second.stderr)[-6000:]
    assert stats and stats['changed'].get(host, 0) == 0 and stats['ok'].get(host, 0) > 0, stats
    assert 'changed=0 ' in second.stdout
