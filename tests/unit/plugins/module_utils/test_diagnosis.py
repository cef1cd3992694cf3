"""diagnosis.py: each transport or HTTP failure gets its kind code, with the message users already read."""

import socket
import ssl

import pytest

from ansible_collections.tprov.docker.plugins.module_utils.connection import resolve_connection
from ansible_collections.tprov.docker.plugins.module_utils.diagnosis import explain_connection_error, explain_http_error
from ansible_collections.tprov.docker.plugins.module_utils.errors import CONNECTION_ERROR_KINDS, ERROR_KINDS


def settings(tmp_path=None, client=False, **params):
    if tmp_path is not None:
        for name in ('ca.pem', 'cert.pem', 'key.pem'):
            (tmp_path / name).write_text('x')
        params['ca_path'] = str(tmp_path / 'ca.pem')
        if client:
            params.update(client_cert=str(tmp_path / 'cert.pem'), client_key=str(tmp_path / 'key.pem'))
    return resolve_connection(params, environ={}, home='/nonexistent-home')


def wrapped(inner, outer=OSError):
    """An exception as requests raises it: the cause two levels down."""
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer('Max retries exceeded') from exc
    except BaseException as exc:
        return exc


SOCKET = dict(docker_host='unix:///run/nothing.sock')
TCP = dict(docker_host='tcp://h:2375')


@pytest.mark.parametrize('exc,params,kind,needle', [
    (FileNotFoundError(2, 'No such file or directory'), SOCKET, 'socket_missing', 'the socket does not exist'),
    (PermissionError(13, 'Permission denied'), SOCKET, 'permission', 'root-equivalent'),
    (ConnectionRefusedError(111, 'Connection refused'), SOCKET, 'refused', 'the socket file is stale'),
    (wrapped(ConnectionRefusedError(111, 'Connection refused')), TCP, 'refused', 'Is dockerd listening'),
    (wrapped(socket.gaierror(-2, 'Name or service not known')), TCP, 'dns', 'does not resolve'),
    (wrapped(socket.timeout('timed out')), TCP, 'timeout', 'Timed out after 60s'),
    (wrapped(ConnectionResetError(104, 'Connection reset by peer')), TCP, 'closed', 'closed the connection'),
    (RuntimeError('odd\nsecond line'), TCP, 'unreachable', 'Cannot talk to the Docker daemon at tcp://h:2375: odd'),
])
def test_transport_kinds(exc, params, kind, needle):
    got_kind, message = explain_connection_error(exc, settings(**params))
    assert (got_kind, needle in message) == (kind, True), message


@pytest.mark.parametrize('text,client,kind,needle', [
    ('[SSL: WRONG_VERSION_NUMBER] wrong version number', True, 'tls_not_tls', 'did not answer with TLS'),
    ("certificate verify failed: IP address mismatch, certificate is not valid for '127.0.0.1'", True,
     'tls_name_mismatch', 'does not list 127.0.0.1'),
    ('certificate verify failed: self-signed certificate in certificate chain', True, 'tls_unknown_ca',
     'not issued by the CA in ca_path'),
    ('certificate verify failed: certificate has expired', True, 'tls_server_expired', 'has expired'),
    ('[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required', False, 'tls_no_client_cert',
     'none was sent'),
    ('[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate', False, 'tls_no_client_cert', 'none was sent'),
    ('[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate', True, 'tls_client_rejected',
     'rejected the client certificate'),
    ('[SSL: SSLV3_ALERT_CERTIFICATE_EXPIRED] sslv3 alert certificate expired', True, 'tls_client_expired',
     'as expired'),
    ('[SSL: KEY_VALUES_MISMATCH] key values mismatch', True, 'tls_key_mismatch', 'does not match client_cert'),
    ('[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol', False, 'tls_no_client_cert',
     'probably requires'),
    ('[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol', True, 'tls_client_rejected',
     'closed the connection during the handshake'),
    ('[SSL] something new', True, 'tls_handshake', 'TLS handshake with tcp://127.0.0.1:2376 failed'),
])
def test_tls_kinds(tmp_path, text, client, kind, needle):
    s = settings(tmp_path, client=client, docker_host='tcp://127.0.0.1:2376')
    got_kind, message = explain_connection_error(wrapped(ssl.SSLError(1, text)), s)
    assert (got_kind, needle in message) == (kind, True), message


@pytest.mark.parametrize('status,explanation,kind,needle', [
    (400, 'Client sent an HTTP request to an HTTPS server.', 'tls_required', 'speaks TLS'),
    (400, 'client version 1.99 is too new. Maximum supported API version is 1.41', 'api_version',
     'refused the API version'),
    (404, 'No such image: x:latest', 'not_found', 'Docker engine: No such image: x:latest (HTTP 404 on GET /images'),
    (409, 'Conflict. The container name "/a" is already in use', 'conflict', 'HTTP 409 on GET /images'),
    (500, 'boom', 'api_error', 'Docker engine: boom (HTTP 500 on GET /images/x/json)'),
])
def test_http_kinds(status, explanation, kind, needle):
    got_kind, message = explain_http_error(status, explanation, settings(**TCP), 'GET', '/images/x/json?a=b')
    assert (got_kind, needle in message) == (kind, True), message


def test_every_kind_diagnosis_returns_is_a_documented_code():
    """Read from the source: the first element of every returned tuple is a code in errors.ERROR_KINDS."""
    import ast
    import inspect

    from ansible_collections.tprov.docker.plugins.module_utils import diagnosis
    returned = set()
    for node in ast.walk(ast.parse(inspect.getsource(diagnosis))):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            first = node.value.elts[0]
            if isinstance(first, ast.Constant):
                returned.add(first.value)
    assert returned <= set(ERROR_KINDS), returned - set(ERROR_KINDS)
    assert set(CONNECTION_ERROR_KINDS) <= returned | {'api_version'}
