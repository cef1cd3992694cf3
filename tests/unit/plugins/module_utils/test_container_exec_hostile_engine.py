"""container_exec against a misbehaving engine: an exec stream that never ends, an archive that stalls or breaks.

A fake engine (a small HTTP server on a unix socket in this process) plays the daemon here, because a real
dockerd cannot be made to misbehave on demand: it keeps writing to an exec's stream after reporting the
command ended (a background child still writing), and sends half an archive then stalls or hangs up.
"""

import io
import json
import os
import socketserver
import struct
import tarfile
import threading
import time

import pytest

from ansible_collections.tprov.docker.plugins.module_utils.container_exec import ContainerExec
from ansible_collections.tprov.docker.plugins.module_utils.engine_client import EngineClient
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineConnectionError

TIMEOUT = 1


def half_a_tar():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as archive:
        info = tarfile.TarInfo('f')
        info.size = 100000
        archive.addfile(info, io.BytesIO(b'B' * 100000))
    return buf.getvalue()[:30000]


class Handler(socketserver.StreamRequestHandler):
    archive = 'stall'  # or 'close'

    def _json(self, body, code=200):
        data = json.dumps(body).encode()
        self.wfile.write(b'HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n'
                         % (code, len(data)) + data)

    def handle(self):
        while not self.server.stopping.is_set():
            line = self.rfile.readline()
            if not line:
                return
            method, path, _version = line.decode().split(' ', 2)
            length = 0
            while True:
                header = self.rfile.readline()
                if header in (b'\r\n', b''):
                    break
                if header.lower().startswith(b'content-length'):
                    length = int(header.split(b':')[1])
            if length:
                self.rfile.read(length)
            path = path.split('?')[0]
            if path.endswith('/version'):
                self._json({'ApiVersion': '1.41', 'MinAPIVersion': '1.12'})
            elif path.endswith('/exec') and method == 'POST':
                self._json({'Id': 'e1'}, 201)
            elif path.endswith('/exec/e1/json'):
                self._json({'Running': False, 'ExitCode': 0})
            elif path.endswith('/containers/c/json'):
                self._json({'State': {'Running': True}})
            elif path.endswith('/exec/e1/start'):
                self.wfile.write(b'HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n')
                # The command has ended (see /exec/e1/json), a child it left keeps writing.
                while not self.server.stopping.is_set():
                    self.wfile.write(struct.pack('>BxxxI', 1, 2) + b'x\n')
                    self.wfile.flush()
                    time.sleep(0.2)
                return
            elif path.endswith('/archive'):
                self.wfile.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: 100000\r\n'
                                 b'\r\n' + half_a_tar())
                self.wfile.flush()
                if self.server.archive == 'close':
                    return
                self.server.stopping.wait(60)
                return
            else:
                self._json({'message': 'no such thing'}, 404)


class FakeEngine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def fake_engine(tmp_path):
    sock = str(tmp_path / 'engine.sock')
    server = FakeEngine(sock, Handler)
    server.stopping = threading.Event()
    server.archive = 'stall'
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, 'unix://' + sock
    server.stopping.set()
    server.shutdown()
    server.server_close()


def in_thread(call, limit):
    """(result or exception, seconds) of call(), or (None, None) when it has not returned within limit:
    the old code never returned, and a test must fail, not hang."""
    outcome = {}

    def target():
        started = time.time()
        try:
            outcome['value'] = call()
        except BaseException as exc:  # noqa: B902 - handed to the test
            outcome['value'] = exc
        outcome['seconds'] = time.time() - started
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    return outcome.get('value'), outcome.get('seconds')


def test_an_exec_stream_that_keeps_trickling_after_the_command_ended_stops(fake_engine):
    """The state is asked on a wall-clock interval even while data arrives; once ended, at most TIMEOUT more."""
    _server, docker_host = fake_engine
    container = ContainerExec(EngineClient.from_params({'docker_host': docker_host, 'timeout': TIMEOUT}), 'c')
    error, seconds = in_thread(lambda: container.run(['sh', '-c', 'sleep 1000 & echo x']), 15)
    assert isinstance(error, EngineConnectionError), error
    assert error.kind == 'timeout' and 'kept its output stream open' in str(error)
    assert seconds <= 2 * TIMEOUT + 1


@pytest.mark.parametrize('behaviour,kind,words', [('stall', 'timeout', 'sent nothing for 1s'),
                                                  ('close', 'closed', 'closed or broke the stream')])
def test_a_fetch_whose_stream_stalls_or_breaks_is_a_connection_error(behaviour, kind, words, fake_engine, tmp_path):
    """A read timeout or a broken stream in the middle of an archive: the collection's error, naming the
    container and the path, with a kind; no raw urllib3 exception, no file left behind."""
    server, docker_host = fake_engine
    server.archive = behaviour
    container = ContainerExec(EngineClient.from_params({'docker_host': docker_host, 'timeout': TIMEOUT}), 'c')
    out = tmp_path / 'out'
    error, _seconds = in_thread(lambda: container.fetch_file('/srv/f', str(out)), 15)
    assert isinstance(error, EngineConnectionError), repr(error)
    assert error.kind == kind and words in str(error), str(error)
    assert '/srv/f' in str(error) and 'container c on %s' % docker_host in str(error)
    assert not out.exists() and sorted(os.listdir(str(tmp_path))) == ['engine.sock']
