"""GET /_ping on each Docker host once a second over mutual TLS, re-reading the client bundle from disk
before each poll (as a client picking up re-issued files would), until STOP_FILE exists.

    poller.py BUNDLE_DIR LOG STOP_FILE NAME=ADDRESS:PORT ...

Each line of LOG: "EPOCH NAME ok" or "EPOCH NAME FAIL reason"."""

import socket
import ssl
import sys
import threading
import time


def ping(bundle, address, port):
    context = ssl.create_default_context(cafile=bundle + '/ca.pem')
    context.load_cert_chain(bundle + '/cert.pem', bundle + '/key.pem')
    with socket.create_connection((address, port), timeout=2) as raw:
        with context.wrap_socket(raw, server_hostname=address) as tls:
            tls.sendall(b'GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n')
            answer = tls.recv(64)
    if not answer.startswith(b'HTTP/1.1 200'):
        raise OSError('answer %r' % answer[:20])


def poll(name, target, bundle, log, stop_file, lock):
    address, port = target.rsplit(':', 1)
    next_at = time.time()
    while True:
        try:
            open(stop_file).close()
            return
        except OSError:
            pass
        started = time.time()
        try:
            ping(bundle, address, int(port))
            line = '%.3f %s ok\n' % (started, name)
        except Exception as exc:  # noqa: BLE001 - every failure is logged with its reason
            line = '%.3f %s FAIL %s\n' % (started, name, str(exc).replace('\n', ' ')[:160])
        with lock:
            with open(log, 'a') as handle:
                handle.write(line)
        next_at += 1
        time.sleep(max(0, next_at - time.time()))


def main():
    bundle, log, stop_file = sys.argv[1:4]
    lock = threading.Lock()
    threads = [threading.Thread(target=poll, args=(spec.split('=', 1)[0], spec.split('=', 1)[1], bundle, log,
                                                   stop_file, lock)) for spec in sys.argv[4:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == '__main__':
    main()
