"""The Engine API client never follows a redirect (issue 13, item 20).

Two real HTTP servers on 127.0.0.1: the "daemon" answers the image lookup with 404 and the pull
(POST /images/create, which carries X-Registry-Auth) with a redirect to the second, which records
every request it gets. The module runs as Ansible runs it, pointed at the first.
"""

import json
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


def serve(handler):
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
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
