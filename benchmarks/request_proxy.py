"""A counting proxy between a Docker client and the engine, on a unix socket.

Every byte is passed through unchanged; each HTTP request line the client sends is counted (and
logged with a timestamp), so a benchmark can say how many Engine API requests a task cost, for
any tool. Use it as a context manager:

    with CountingProxy('/tmp/proxy.sock') as proxy:
        ... run a task with DOCKER_HOST=unix:///tmp/proxy.sock ...
        print(proxy.count, proxy.requests)

or standalone: python benchmarks/request_proxy.py /tmp/proxy.sock  (prints each request).
"""

import os
import re
import socket
import sys
import threading
import time

REQUEST_LINE = re.compile(rb'(?:^|\r\n)(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP/1\.[01]\r\n')


class CountingProxy(object):

    def __init__(self, path, upstream='/var/run/docker.sock', echo=False):
        self.path = path
        self.upstream = upstream
        self.echo = echo
        self.requests = []  # (time, method, path)
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def count(self):
        with self._lock:
            return len(self.requests)

    def mark(self):
        """The requests seen so far, to subtract later."""
        return self.count

    def since(self, mark):
        with self._lock:
            return self.requests[mark:]

    def __enter__(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        os.chmod(self.path, 0o600)
        self._server.listen(64)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def _accept(self):
        while True:
            try:
                client, _addr = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(self.upstream)
        except OSError:
            client.close()
            return
        back = threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True)
        back.start()
        self._pipe(client, upstream, True)
        back.join(timeout=5)

    def _pipe(self, source, target, count):
        tail = b''
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if count:
                    # A request line may straddle two reads: search the end of the last one too.
                    window = tail + data
                    for match in REQUEST_LINE.finditer(window):
                        if match.end() <= len(tail):
                            continue
                        entry = (time.time(), match.group(1).decode(), match.group(2).decode('latin-1'))
                        with self._lock:
                            self.requests.append(entry)
                        if self.echo:
                            print('%.3f %s %s' % entry, flush=True)
                    tail = window[-200:]
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


if __name__ == '__main__':
    with CountingProxy(sys.argv[1] if len(sys.argv) > 1 else '/tmp/tprov-docker-proxy.sock', echo=True):
        print('proxying; Ctrl-C to stop', flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
