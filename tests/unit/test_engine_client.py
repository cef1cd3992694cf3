"""Pure logic of the Engine API client: settings, negotiation, error wording, filters."""

import json
import ssl

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import engine_client as ec


def settings(**params):
    return ec.resolve_connection(params, environ={}, home='/nonexistent-home')


def test_default_is_the_local_socket():
    s = settings()
    assert s.socket_path == '/var/run/docker.sock'
    assert s.base_url == 'http+unix://%2Fvar%2Frun%2Fdocker.sock'
    assert not s.use_tls


@pytest.mark.parametrize('host,url', [
    ('tcp://10.0.0.5:2375', 'http://10.0.0.5:2375'),
    ('tcp://docker.example.com', 'http://docker.example.com:2375'),
    ('docker.example.com:4243', 'http://docker.example.com:4243'),
    ('tcp://[::1]:2375', 'http://[::1]:2375'),
    ('http://127.0.0.1:2375/', 'http://127.0.0.1:2375'),
])
def test_tcp_addresses(host, url):
    assert settings(docker_host=host).base_url == url


def test_tls_defaults_to_port_2376_and_cert_path(tmp_path):
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        (tmp_path / name).write_text('x')
    s = ec.resolve_connection({'docker_host': 'tcp://h', 'validate_certs': True},
                              environ={'DOCKER_CERT_PATH': str(tmp_path)}, home='/nonexistent')
    assert s.base_url == 'https://h:2376' and s.verify
    assert s.ca_path == str(tmp_path / 'ca.pem')
    assert (s.client_cert, s.client_key) == (str(tmp_path / 'cert.pem'), str(tmp_path / 'key.pem'))


def test_tls_falls_back_to_home_dot_docker(tmp_path):
    dot = tmp_path / '.docker'
    dot.mkdir()
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        (dot / name).write_text('x')
    s = ec.resolve_connection({'docker_host': 'tcp://h:2376', 'validate_certs': True}, environ={},
                              home=str(tmp_path))
    assert s.ca_path == str(dot / 'ca.pem') and s.client_cert == str(dot / 'cert.pem')


def test_explicit_ca_means_verified_tls(tmp_path):
    (tmp_path / 'ca.pem').write_text('x')
    s = settings(docker_host='tcp://h:2376', ca_path=str(tmp_path / 'ca.pem'))
    assert s.use_tls and s.verify


def test_tls_without_verification():
    s = settings(docker_host='tcp://h:2376', tls=True)
    assert s.use_tls and not s.verify and s.ca_path is None


@pytest.mark.parametrize('params,needle', [
    ({'docker_host': 'unix://relative.sock'}, 'absolute path'),
    ({'docker_host': 'ssh://user@host'}, 'unsupported scheme'),
    ({'docker_host': 'tcp://h:99999'}, 'is not an address'),
    ({'docker_host': 'tcp://:2375'}, 'is not an address'),
    ({'validate_certs': True}, 'unix socket'),
    ({'docker_host': 'tcp://h', 'validate_certs': True}, 'ca_path: no file at'),
    ({'docker_host': 'tcp://h', 'tls': True, 'client_cert': '/x'}, 'go together'),
    ({'docker_host': 'http://h', 'tls': True}, 'http://'),
    ({'api_version': 'v1.41'}, 'api_version'),
    ({'timeout': 0}, 'timeout'),
])
def test_bad_settings_name_the_option(params, needle):
    with pytest.raises(ec.ConnectionSettingsError) as info:
        settings(**params)
    assert needle in str(info.value)


@pytest.mark.parametrize('server,server_min,expected', [
    ('1.41', '1.12', '1.41'),   # Debian 12's docker.io 20.10
    ('1.45', '1.24', '1.45'),   # Debian 13's 26.1
    ('1.52', '1.44', '1.47'),   # Docker 29: we talk our newest, which it accepts
])
def test_negotiation(server, server_min, expected):
    assert ec.negotiate_api_version(server, server_min) == expected


def test_negotiation_refuses_old_engines():
    with pytest.raises(ec.APIVersionError) as info:
        ec.negotiate_api_version('1.40', '1.12')
    assert 'needs 1.41 or newer' in str(info.value)


def test_negotiation_when_engine_outgrew_us():
    with pytest.raises(ec.APIVersionError) as info:
        ec.negotiate_api_version('1.60', '1.50')
    assert 'at most 1.47' in str(info.value)


def test_filters_encoding():
    encoded = json.loads(ec.filters_param({'label': {'a': 'b', 'c': None}, 'dangling': True, 'name': ['x', 'y']}))
    assert encoded == {'label': ['a=b', 'c'], 'dangling': ['true'], 'name': ['x', 'y']}
    assert ec.filters_param({}) is None


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
    assert 'Is dockerd running?' in ec.explain_connection_error(
        _chain(OSError('boom'), FileNotFoundError(2, 'No such file or directory')), s)
    assert 'root-equivalent' in ec.explain_connection_error(
        _chain(OSError('boom'), PermissionError(13, 'Permission denied')), s)


def test_explanations_for_tls_errors(tmp_path):
    (tmp_path / 'ca.pem').write_text('x')
    s = settings(docker_host='tcp://127.0.0.1:2376', ca_path=str(tmp_path / 'ca.pem'))
    unknown_ca = ssl.SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: '
                                                 'self-signed certificate in certificate chain')
    assert 'not issued by the CA in ca_path' in ec.explain_connection_error(unknown_ca, s)
    mismatch = ssl.SSLCertVerificationError(1, "certificate verify failed: IP address mismatch, certificate "
                                               "is not valid for '127.0.0.1'")
    assert 'does not list 127.0.0.1' in ec.explain_connection_error(mismatch, s)
    no_cert = ssl.SSLError(1, '[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate')
    assert 'none was sent' in ec.explain_connection_error(no_cert, s)
    plain = ssl.SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number')
    assert 'did not answer with TLS' in ec.explain_connection_error(plain, s)


def test_unknown_errors_still_give_one_line():
    message = ec.explain_connection_error(RuntimeError('first line\nsecond'), settings(docker_host='tcp://h:1'))
    assert message == 'Cannot talk to the Docker daemon at tcp://h:1: first line'


def test_connection_spec_is_a_copy():
    spec = ec.connection_argument_spec(name=dict(type='str'))
    spec['docker_host']['default'] = 'changed'
    assert ec.CONNECTION_ARGUMENT_SPEC['docker_host']['default'] == 'unix:///var/run/docker.sock'


@pytest.mark.parametrize('timeout', [0, -1, 86401, 9223372037])
def test_timeout_out_of_range_is_refused_by_name(timeout):
    with pytest.raises(ec.ConnectionSettingsError) as info:
        ec.resolve_connection({'timeout': timeout}, environ={}, home='/nonexistent')
    assert str(info.value).startswith('timeout must be a number of seconds between 1 and 86400')
