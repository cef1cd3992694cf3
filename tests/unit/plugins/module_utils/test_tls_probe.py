"""tls_probe against a TLS 1.3 listener on loopback that requires a client certificate (as dockerd --tlsverify)."""

import socket
import ssl
import threading

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import tls_cert as tc
from ansible_collections.tprov.docker.plugins.module_utils import tls_probe


def write(tmp_path, name, kind, ca=None, **kw):
    req = tc.CertificateRequest(kind, **kw)
    plan = tc.CertificatePlan(req, str(tmp_path / ('%s.pem' % name)), str(tmp_path / ('%s-key.pem' % name)),
                              ca_path=ca and ca[0], ca_key_path=ca and ca[1])
    key, cert = plan.issue()
    (tmp_path / ('%s.pem' % name)).write_bytes(tc.cert_pem(cert))
    (tmp_path / ('%s-key.pem' % name)).write_bytes(plan.key_pem(key))
    return str(tmp_path / ('%s.pem' % name)), str(tmp_path / ('%s-key.pem' % name)), cert


@pytest.fixture
def listener(tmp_path):
    """(port, server certificate, client bundle): answers "OK" to a client it accepts."""
    ca = write(tmp_path, 'ca', 'ca')
    server = write(tmp_path, 'server', 'server', ca=ca, subject_alt_names=['IP:127.0.0.1'])
    client = write(tmp_path, 'client', 'client', ca=ca, common_name='admin')
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(server[0], server[1])
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(ca[0])
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    sock.listen(5)

    def serve():
        while True:
            try:
                conn, _addr = sock.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(4096)
                    tls.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK')
            except (OSError, ssl.SSLError):
                pass
    threading.Thread(target=serve, daemon=True).start()
    yield sock.getsockname()[1], server[2], client
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def test_the_certificate_is_read_without_a_client_certificate_and_the_refusal_seen(listener):
    port, server, _client = listener
    served = tls_probe.read_served('127.0.0.1', port, confirm=True)
    assert served.der == tc.x509.load_pem_x509_certificate(tc.cert_pem(server)).public_bytes(
        tc.serialization.Encoding.DER)
    assert served.answered and served.error is None and served.tls_version == 'TLSv1.3'
    # OpenSSL's server hangs up (Go's sends the alert "certificate required" first): either is a refusal.
    assert served.handshake is False and isinstance(served.refusal, OSError), served.refusal
    # Not asked: only the certificate (what the daemon role compares with the file on disk).
    quick = tls_probe.read_served('127.0.0.1', port)
    assert quick.der == served.der and quick.handshake is None and quick.refusal is None


def test_with_a_client_certificate_the_server_accepts(listener):
    port, _server, client = listener
    served = tls_probe.read_served('127.0.0.1', port, context=tls_probe.client_context(client[0], client[1]),
                                   confirm=True)
    assert served.der and served.handshake is True and served.refusal is None


def test_nothing_listening_is_no_answer():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    served = tls_probe.read_served('127.0.0.1', port)
    assert served.der is None and served.answered is False and isinstance(served.error, ConnectionRefusedError)
