"""The real-engine test bed as plain helpers: the main dockerd, offline images, a TLS-only second
dockerd with certificates from docker_tls_cert, and real ansible-playbook runs.

Tests and conftest.py import these from here (never from conftest, whose module name is shared
with tests/conftest.py).
"""

import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid

from tprov_testlib import COLLECTIONS_DIR, REPO_ROOT, docker, run_module


DOCKER_SOCK = '/var/run/docker.sock'
BUSYBOX = 'tprov-test/busybox:latest'
TESTBED = os.path.join(REPO_ROOT, 'tests', 'testbed')


def engine_answers():
    """GET /_ping on the socket, with nothing but the standard library (no curl on every test host)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(3)
            sock.connect(DOCKER_SOCK)
            sock.sendall(b'GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n')
            reply = b''
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
    except OSError:
        return False
    head, _sep, body = reply.partition(b'\r\n\r\n')
    return head.startswith(b'HTTP/1.') and b' 200 ' in head.split(b'\r\n')[0] + b' ' and body.strip() == b'OK'


def build_busybox(name, marker=''):
    subprocess.run([os.path.join(TESTBED, 'build-busybox-image.sh'), name, marker], check=True,
                   capture_output=True, text=True)
    return docker('image', 'inspect', '--format', '{{.Id}}', name).stdout.strip()


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class TLSDaemon(object):
    """A second dockerd, TLS-only on a loopback port, with its own bridge and data root."""

    def __init__(self, base, pki, port, bridge):
        self.base = base
        self.pki = pki
        self.port = port
        self.bridge = bridge
        self.proc = None
        self.host = 'tcp://127.0.0.1:%d' % port

    def client_args(self, bundle='client'):
        return dict(docker_host=self.host, validate_certs=True,
                    ca_path=os.path.join(self.pki, 'ca.pem'),
                    client_cert=os.path.join(self.pki, bundle, 'cert.pem'),
                    client_key=os.path.join(self.pki, bundle, 'key.pem'))

    def start(self):
        # Its own bridge: with --bridge=none a second daemon deletes the first engine's docker0.
        subprocess.run(['ip', 'link', 'add', 'name', self.bridge, 'type', 'bridge'], capture_output=True, check=False)
        subprocess.run(['ip', 'addr', 'add', '172.31.254.1/24', 'dev', self.bridge], capture_output=True, check=False)
        subprocess.run(['ip', 'link', 'set', self.bridge, 'up'], check=True)
        self.log = open(os.path.join(self.base, 'dockerd.log'), 'w')
        self.proc = subprocess.Popen(
            ['dockerd', '--data-root', os.path.join(self.base, 'data'),
             '--exec-root', os.path.join(self.base, 'exec'), '--pidfile', os.path.join(self.base, 'pid'),
             '-H', 'tcp://127.0.0.1:%d' % self.port, '--tlsverify',
             '--tlscacert=%s' % os.path.join(self.pki, 'ca.pem'),
             '--tlscert=%s' % os.path.join(self.pki, 'server', 'server-cert.pem'),
             '--tlskey=%s' % os.path.join(self.pki, 'server', 'server-key.pem'),
             '--iptables=false', '--ip-masq=false', '--ip-forward=false', '--bridge=%s' % self.bridge],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('TLS dockerd exited: %s' % open(self.log.name).read()[-2000:])
            with open(self.log.name) as handle:
                if 'API listen on' in handle.read():
                    return
            time.sleep(0.3)
        raise RuntimeError('TLS dockerd did not start: %s' % open(self.log.name).read()[-2000:])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        subprocess.run(['ip', 'link', 'del', self.bridge], capture_output=True, check=False)
        subprocess.run(['umount', '-R', os.path.join(self.base, 'data')], capture_output=True, check=False)


def tls_listener(cert, key, tls12_only=False, require_client=True):
    """A TLS listener on 127.0.0.1 that requires a client certificate, as dockerd --tlsverify does, or with
    require_client=False accepts any client, as a daemon without --tlsverify would (close it with
    shutdown(2) and close())."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if tls12_only:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    if require_client:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cert)
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(5)

    def serve():
        while True:
            try:
                conn, _addr = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
                    if not require_client:  # answers /_ping as dockerd does
                        tls.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK')
            except (OSError, ssl.SSLError):
                pass
    threading.Thread(target=serve, daemon=True).start()
    return listener


def issue_pki(pki, server_sans=('IP:127.0.0.1', 'DNS:localhost'), key_type='ecdsa'):
    """CA + server + client through docker_tls_cert itself: the module under test makes the test's PKI."""
    os.makedirs(os.path.join(pki, 'server'), exist_ok=True)
    os.makedirs(os.path.join(pki, 'client'), exist_ok=True)
    common = dict(key_type=key_type)
    for args in (dict(kind='ca', dir=pki),
                 dict(kind='server', dir=os.path.join(pki, 'server'), ca_path=os.path.join(pki, 'ca.pem'),
                      ca_key_path=os.path.join(pki, 'ca-key.pem'), subject_alt_names=list(server_sans)),
                 dict(kind='client', dir=os.path.join(pki, 'client'), ca_path=os.path.join(pki, 'ca.pem'),
                      ca_key_path=os.path.join(pki, 'ca-key.pem'), common_name='admin')):
        args.update(common)
        result = run_module('docker_tls_cert', args)
        assert not result.failed, result
    # The Docker CLI looks for ca.pem beside cert.pem/key.pem in DOCKER_CERT_PATH.
    shutil.copy(os.path.join(pki, 'ca.pem'), os.path.join(pki, 'client', 'ca.pem'))
    return pki


def ansible_playbook(playbook, workdir, extra_args=(), env=None, prefix=(), inventory=None, command=None):
    """Run a real ansible-playbook with this checkout as tprov.docker; returns (rc, output, recap).

    ``prefix``: words put before the command (syslog_capture.SyslogCapture.prefix). ``inventory``:
    a path, instead of localhost over the local connection. ``command``: another ansible-playbook.
    """
    path = os.path.join(workdir, 'play-%s.yml' % uuid.uuid4().hex[:8])
    with open(path, 'w') as handle:
        handle.write(playbook)
    run_env = dict(os.environ)
    run_env.update({'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_DIR, 'ANSIBLE_NOCOLOR': '1',
                    'ANSIBLE_RETRY_FILES_ENABLED': '0', 'ANSIBLE_LOCALHOST_WARNING': '0',
                    'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
                    # localhost runs the modules with this venv's Python, which has requests & co.
                    'ANSIBLE_PYTHON_INTERPRETER': sys.executable})
    if env:
        run_env.update(env)
    target = ['-i', inventory] if inventory else ['-i', 'localhost,', '-c', 'local']
    command = list(prefix) + [command or os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')] + \
        target + [path] + list(extra_args)
    proc = subprocess.run(command, capture_output=True, text=True, env=run_env, check=False)
    output = proc.stdout + proc.stderr
    recap = {}
    match = re.search(r'localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', output)
    if match:
        recap = dict(zip(('ok', 'changed', 'unreachable', 'failed'), map(int, match.groups())))
    return proc.returncode, output, recap
