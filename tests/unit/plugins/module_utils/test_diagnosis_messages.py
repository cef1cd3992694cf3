"""diagnosis.py: the one-line explanation of a connection failure (the kind codes: test_diagnosis.py)."""

import ssl

from ansible_collections.tprov.docker.plugins.module_utils import connection
from ansible_collections.tprov.docker.plugins.module_utils import diagnosis


def message_of(exc, settings):
    return diagnosis.explain_connection_error(exc, settings)[1]


def settings(**params):
    return connection.resolve_connection(params, environ={}, home='/nonexistent-home')


def _chain(outer, inner):
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer from exc
    except BaseException as exc:
        return exc


def test_explanations_for_unix_socket_errors():
    s = settings()
    assert 'Is dockerd running?' in message_of(
        _chain(OSError('boom'), FileNotFoundError(2, 'No such file or directory')), s)
    assert 'root-equivalent' in message_of(
        _chain(OSError('boom'), PermissionError(13, 'Permission denied')), s)


def test_explanations_for_tls_errors(tmp_path):
    (tmp_path / 'ca.pem').write_text('x')
    s = settings(docker_host='tcp://127.0.0.1:2376', ca_path=str(tmp_path / 'ca.pem'))
    unknown_ca = ssl.SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: '
                                                 'self-signed certificate in certificate chain')
    assert 'not issued by the CA in ca_path' in message_of(unknown_ca, s)
    mismatch = ssl.SSLCertVerificationError(1, "certificate verify failed: IP address mismatch, certificate "
                                               "is not valid for '127.0.0.1'")
    assert 'does not list 127.0.0.1' in message_of(mismatch, s)
    no_cert = ssl.SSLError(1, '[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate')
    assert 'none was sent' in message_of(no_cert, s)
    plain = ssl.SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number')
    assert 'did not answer with TLS' in message_of(plain, s)


def test_unknown_errors_still_give_one_line():
    message = message_of(RuntimeError('first line\nsecond'), settings(docker_host='tcp://h:1'))
    assert message == 'Cannot talk to the Docker daemon at tcp://h:1: first line'
