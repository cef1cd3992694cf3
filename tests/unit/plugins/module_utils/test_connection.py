"""connection.py: connection settings from options and DOCKER_* variables, API version negotiation."""

import os

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import connection
from ansible_collections.tprov.docker.plugins.module_utils import errors
from ansible_collections.tprov.docker.plugins.module_utils import engine_module as glue


def settings(**params):
    return connection.resolve_connection(params, environ={}, home='/nonexistent-home')


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
    s = connection.resolve_connection({'docker_host': 'tcp://h', 'validate_certs': True},
                                      environ={'DOCKER_CERT_PATH': str(tmp_path)}, home='/nonexistent')
    assert s.base_url == 'https://h:2376' and s.verify
    assert s.ca_path == str(tmp_path / 'ca.pem')
    assert (s.client_cert, s.client_key) == (str(tmp_path / 'cert.pem'), str(tmp_path / 'key.pem'))


def test_tls_falls_back_to_home_dot_docker(tmp_path):
    dot = tmp_path / '.docker'
    dot.mkdir()
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        (dot / name).write_text('x')
    s = connection.resolve_connection({'docker_host': 'tcp://h:2376', 'validate_certs': True}, environ={},
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
    with pytest.raises(errors.ConnectionSettingsError) as info:
        settings(**params)
    assert needle in str(info.value)


@pytest.mark.parametrize('server,server_min,expected', [
    ('1.41', '1.12', '1.41'),   # Debian 12's docker.io 20.10
    ('1.45', '1.24', '1.45'),   # Debian 13's 26.1
    ('1.52', '1.44', '1.47'),   # Docker 29: we talk our newest, which it accepts
])
def test_negotiation(server, server_min, expected):
    assert connection.negotiate_api_version(server, server_min) == expected


def test_negotiation_refuses_old_engines():
    with pytest.raises(errors.APIVersionError) as info:
        connection.negotiate_api_version('1.40', '1.12')
    assert 'needs 1.41 or newer' in str(info.value)


def test_negotiation_when_engine_outgrew_us():
    with pytest.raises(errors.APIVersionError) as info:
        connection.negotiate_api_version('1.60', '1.50')
    assert 'at most 1.47' in str(info.value)


@pytest.mark.parametrize('timeout', [0, -1, 86401, 9223372037])
def test_timeout_out_of_range_is_refused_by_name(timeout):
    with pytest.raises(errors.ConnectionSettingsError) as info:
        connection.resolve_connection({'timeout': timeout}, environ={}, home='/nonexistent')
    assert str(info.value).startswith('timeout must be a number of seconds between 1 and 86400')


# DOCKER_TLS / DOCKER_TLS_VERIFY exactly as the Docker CLI reads them. The CLI's documentation
# (https://docs.docker.com/reference/cli/docker/#environment-variables) says "DOCKER_TLS_VERIFY:
# When set Docker uses TLS and verifies the remote" and DOCKER_TLS: "Set to a non-empty value to
# enable TLS"; its code (cli/flags/options.go) tests `os.Getenv(...) != ""`: any non-empty value,
# "0" and "false" included, is set; an empty value is unset. Options override, as the CLI's flags do.
# Rows marked "ours" go beyond the CLI on purpose: a client certificate is presented only to a
# verified daemon (issue 13, item 18), and validate_certs: false does not turn TLS on (the daemon
# role reaches a plaintext tcp:// daemon with it).
#   (environment, options, outcome): outcome is plain | tls (unverified) | verify | error:<text>
TLS_TABLE = [
    ({}, {}, 'plain'),
    ({'DOCKER_TLS_VERIFY': '1', 'DOCKER_CERT_PATH': 'bundle'}, {}, 'verify'),
    ({'DOCKER_TLS_VERIFY': '0', 'DOCKER_CERT_PATH': 'bundle'}, {}, 'verify'),
    ({'DOCKER_TLS_VERIFY': 'false', 'DOCKER_CERT_PATH': 'bundle'}, {}, 'verify'),
    ({'DOCKER_TLS_VERIFY': 'no', 'DOCKER_CERT_PATH': 'bundle'}, {}, 'verify'),
    ({'DOCKER_TLS_VERIFY': '', 'DOCKER_CERT_PATH': 'bundle'}, {}, 'plain'),
    ({'DOCKER_TLS': '1', 'DOCKER_CERT_PATH': 'empty'}, {}, 'tls'),
    ({'DOCKER_TLS': '0', 'DOCKER_CERT_PATH': 'empty'}, {}, 'tls'),
    ({'DOCKER_TLS': '', 'DOCKER_TLS_VERIFY': ''}, {}, 'plain'),
    ({'DOCKER_TLS': '1', 'DOCKER_TLS_VERIFY': '0', 'DOCKER_CERT_PATH': 'bundle'}, {}, 'verify'),
    ({'DOCKER_TLS': '1', 'DOCKER_TLS_VERIFY': '', 'DOCKER_CERT_PATH': 'empty'}, {}, 'tls'),
    ({'DOCKER_TLS_VERIFY': '1', 'DOCKER_CERT_PATH': 'empty'}, {}, 'error:ca_path: no file at'),
    # ours: DOCKER_TLS alone with a bundle presents cert.pem, so the daemon is verified against its ca.pem.
    ({'DOCKER_TLS': '1', 'DOCKER_CERT_PATH': 'bundle'}, {}, 'verify'),
    ({'DOCKER_TLS': '1', 'DOCKER_CERT_PATH': 'no-ca'}, {}, 'error:validate_certs: false'),
    # Options win over the environment, as flags do.
    ({'DOCKER_TLS': '1'}, {'tls': False}, 'plain'),
    ({'DOCKER_CERT_PATH': 'empty'}, {'tls': True}, 'tls'),
    ({'DOCKER_TLS_VERIFY': '1', 'DOCKER_CERT_PATH': 'bundle'}, {'validate_certs': False}, 'plain'),  # ours
    ({'DOCKER_TLS_VERIFY': '1', 'DOCKER_CERT_PATH': 'bundle'}, {'validate_certs': False, 'tls': True}, 'tls'),
    ({'DOCKER_CERT_PATH': 'bundle'}, {'validate_certs': True}, 'verify'),
    # Item 18: client_cert + client_key without ca_path.
    ({'DOCKER_CERT_PATH': 'empty'}, {'client': True}, 'error:validate_certs: false'),
    ({'DOCKER_CERT_PATH': 'bundle'}, {'client': True}, 'verify'),
    ({}, {'client': True, 'home_ca': True}, 'verify'),
    ({'DOCKER_CERT_PATH': 'empty'}, {'client': True, 'validate_certs': False}, 'tls'),
    ({'DOCKER_CERT_PATH': 'empty'}, {'ca': True}, 'verify'),
]


@pytest.mark.parametrize('env,options,outcome', TLS_TABLE)
def test_tls_environment_like_the_docker_cli(tmp_path, monkeypatch, env, options, outcome):
    """Through the modules' own argument spec (so environment fallbacks count), then resolve_connection."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    dirs = {'bundle': ('ca.pem', 'cert.pem', 'key.pem'), 'empty': (), 'no-ca': ('cert.pem', 'key.pem')}
    for name, files in dirs.items():
        (tmp_path / name).mkdir()
        for file_name in files:
            (tmp_path / name / file_name).write_text('x')
    (tmp_path / 'client').mkdir()
    for file_name in ('cert.pem', 'key.pem', 'ca.pem'):
        (tmp_path / 'client' / file_name).write_text('x')
    home = tmp_path / 'home'
    (home / '.docker').mkdir(parents=True)
    if options.pop('home_ca', False):
        (home / '.docker' / 'ca.pem').write_text('x')
    for name in ('DOCKER_TLS', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_HOST'):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, str(tmp_path / value) if name == 'DOCKER_CERT_PATH' else value)
    params = dict(options, docker_host='tcp://h')
    if params.pop('client', False):
        params.update(client_cert=str(tmp_path / 'client' / 'cert.pem'),
                      client_key=str(tmp_path / 'client' / 'key.pem'))
    if params.pop('ca', False):
        params['ca_path'] = str(tmp_path / 'client' / 'ca.pem')
    validated = ArgumentSpecValidator(glue.connection_argument_spec()).validate(params)
    assert not validated.error_messages, validated.error_messages
    if outcome.startswith('error:'):
        with pytest.raises(errors.ConnectionSettingsError) as info:
            connection.resolve_connection(validated.validated_parameters, home=str(home))
        assert outcome[len('error:'):] in str(info.value)
        return
    s = connection.resolve_connection(validated.validated_parameters, home=str(home))
    got = 'verify' if s.verify else ('tls' if s.use_tls else 'plain')
    assert got == outcome
    assert s.base_url == {'plain': 'http://h:2375'}.get(outcome, 'https://h:2376')
    if s.verify:
        assert os.path.isfile(s.ca_path)


def test_client_certificate_without_ca_names_the_options(tmp_path):
    for name in ('cert.pem', 'key.pem'):
        (tmp_path / name).write_text('x')
    with pytest.raises(errors.ConnectionSettingsError) as info:
        connection.resolve_connection({'docker_host': 'tcp://h', 'client_cert': str(tmp_path / 'cert.pem'),
                                       'client_key': str(tmp_path / 'key.pem')}, environ={},
                                      home=str(tmp_path / 'nohome'))
    message = str(info.value)
    for option in ('client_cert', 'client_key', 'ca_path', 'validate_certs: false', 'DOCKER_CERT_PATH'):
        assert option in message


@pytest.mark.parametrize('docker_host,schemes,expected', [
    ('tcp://h:2376/', None, 'h:2376'), ('https://[::1]:2376', None, '[::1]:2376'), ('h:2376', None, 'h:2376'),
    ('http://h', None, 'h'), ('ssh://h', None, None),
    ('http://h', ('tcp://', 'https://'), None), ('tcp://h', ('tcp://', 'https://'), 'h'),
])
def test_without_scheme_is_the_one_reading_of_a_scheme(docker_host, schemes, expected):
    args = (docker_host,) if schemes is None else (docker_host, schemes)
    assert connection.without_scheme(*args) == expected
