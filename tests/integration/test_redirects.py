"""The Engine API client never follows a redirect (issue 13, item 20).

Two real HTTP servers on 127.0.0.1: the "daemon" answers the image lookup with 404 and the pull
(POST /images/create, which carries X-Registry-Auth) with a redirect to the second, which records
every request it gets. The module runs as Ansible runs it, pointed at the first.
"""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tprov_testlib import run_module

PASSWORD = 'redirect-Pa55-w0rd-Qz9'


class Recorder(BaseHTTPRequestHandler):
    seen = None

    def _any(self):
        self.seen.append((self.command, self.path, dict(self.headers)))
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(b'{}')

    do_GET = do_POST = _any

    def log_message(self, *args):
        pass


def fake_daemon(status, target):
    class Daemon(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({'message': 'No such image'}).encode()
            self.send_response(404)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            self.send_response(status)
            self.send_header('Location', target + self.path)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def log_message(self, *args):
            pass
    return Daemon


def serve(handler, address='127.0.0.1'):
    server = ThreadingHTTPServer((address, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize('status', [301, 302, 307, 308])
def test_redirect_is_not_followed_and_registry_auth_stays(status):
    Recorder.seen = []
    recorder = serve(Recorder)
    daemon = serve(fake_daemon(status, 'http://127.0.0.1:%d' % recorder.server_address[1]))
    try:
        result = run_module('docker_api_image', {
            'docker_host': 'tcp://127.0.0.1:%d' % daemon.server_address[1], 'api_version': '1.41',
            'name': 'example/app', 'registry_username': 'someone', 'registry_password': PASSWORD})
    finally:
        daemon.shutdown()
        recorder.shutdown()
    leaked = [headers for _method, _path, headers in Recorder.seen if 'X-Registry-Auth' in headers]
    assert not leaked, leaked
    assert Recorder.seen == [], Recorder.seen  # nothing at all reached the redirect's target
    assert result.failed, result
    assert 'HTTP %d' % status in result['msg'] and 'not followed' in result['msg'], result['msg']
    assert PASSWORD not in result.raw


class EchoingGateway(BaseHTTPRequestHandler):
    """A proxy's error page: 502 with the request it could not forward, headers included."""

    seen = None

    def _send(self, status, body, ctype):
        data = body.encode()
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.endswith('/version'):
            return self._send(200, json.dumps({'ApiVersion': '1.45', 'MinAPIVersion': '1.24'}), 'application/json')
        return self._send(404, json.dumps({'message': 'No such image'}), 'application/json')

    def do_POST(self):
        if self.seen is not None:
            self.seen.append(dict(self.headers))
        self._send(502, 'Bad gateway while forwarding:\n%s %s\n%s' % (self.command, self.path, self.headers),
                   'text/plain')

    def log_message(self, *args):
        pass


@pytest.mark.parametrize('module_name, args', [
    ('docker_api_image', {'name': 'example/app', 'registry_username': 'someone', 'registry_password': PASSWORD,
                          'registry_server': 'registry.example.com'}),
    ('docker_api_containers', {'images': [{'name': 'example/app', 'registry_username': 'someone',
                                           'registry_password': PASSWORD, 'registry_server': 'registry.example.com'}]}),
])
def test_echoed_registry_auth_is_not_in_the_message(module_name, args):
    from ansible_collections.tprov.docker.plugins.module_utils.images import registry_auth_header
    header = registry_auth_header('someone', PASSWORD, 'registry.example.com')
    gateway = serve(EchoingGateway)
    try:
        result = run_module(module_name, dict(args, docker_host='tcp://127.0.0.1:%d' % gateway.server_address[1]))
    finally:
        gateway.shutdown()
    assert result.failed, result
    # The gateway's page is in the message (so the assertions below can fail), the credentials are not.
    assert 'HTTP 502' in result['msg'] and 'Bad gateway while forwarding' in result['msg'], result['msg']
    assert 'X-Registry-Auth' in result['msg'], result['msg']
    for form in (header, header.rstrip('='), PASSWORD, 'registry.example.com", "password'):
        assert form not in result.raw, result.raw


def non_loopback_address():
    """An address of this machine other than loopback (the one it would reach the network from)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(('192.0.2.123', 9))  # no packet is sent: this only picks the outgoing address
        address = probe.getsockname()[0]
    except OSError:
        address = None
    finally:
        probe.close()
    if not address or address.startswith('127.'):
        pytest.skip('this machine has no non-loopback IPv4 address')
    return address


def test_registry_credentials_are_not_sent_over_plain_tcp_to_another_host():
    """Plain tcp:// to an address that is not loopback: X-Registry-Auth would cross the network in
    clear, so the pull is refused before it is sent; validate_certs: false sends it on purpose."""
    address = non_loopback_address()
    seen = EchoingGateway.seen = []
    gateway = serve(EchoingGateway, address)
    args = {'docker_host': 'tcp://%s:%d' % (address, gateway.server_address[1]), 'name': 'example/app',
            'registry_username': 'someone', 'registry_password': PASSWORD}
    try:
        refused = run_module('docker_api_image', args)
        sent_on_purpose = run_module('docker_api_image', dict(args, validate_certs=False))
    finally:
        gateway.shutdown()
        EchoingGateway.seen = None
    assert refused.failed and 'plain tcp://' in refused['msg'] and 'validate_certs: false' in refused['msg'], refused
    assert sent_on_purpose.failed and 'HTTP 502' in sent_on_purpose['msg'], sent_on_purpose
    assert len(seen) == 1 and 'X-Registry-Auth' in seen[0], seen  # only the run that said validate_certs: false
    assert PASSWORD not in refused.raw + sent_on_purpose.raw
