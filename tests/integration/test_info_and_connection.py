"""docker_api_info and the Engine API client's connection handling, against real daemons."""

import os
import shutil

import pytest

from tprov_testlib import docker, run_module


def test_info_over_unix_socket(busybox_image):
    result = run_module('docker_api_info', {'images': True, 'images_filters': {'reference': busybox_image}})
    assert not result.failed, result
    assert result['changed'] is False
    assert result['info']['ServerVersion'] == result['version']['Version']
    # Negotiated: never above what both sides speak, never below our minimum.
    server = tuple(int(x) for x in result['version']['ApiVersion'].split('.'))
    ours = tuple(int(x) for x in result['api_version'].split('.'))
    assert (1, 41) <= ours <= min(server, (1, 47))
    assert [busybox_image] == [t for i in result['images'] for t in i['RepoTags'] if t == busybox_image]


def test_info_container_summary_with_filters(busybox_image, unique_name):
    docker('run', '-d', '--name', unique_name, '--label', 'tprov.test=%s' % unique_name, busybox_image, 'sleep', '300')
    result = run_module('docker_api_info', {'containers': True, 'containers_filters': {'label': ['tprov.test=%s' % unique_name]}})
    assert [c['Names'] for c in result['containers']] == [['/' + unique_name]]
    docker('stop', '-t', '0', unique_name)
    running = run_module('docker_api_info', {'containers': True, 'containers_filters': {'name': unique_name}})
    assert running['containers'] == []
    every = run_module('docker_api_info', {'containers': True, 'containers_all': True,
                                           'containers_filters': {'name': unique_name, 'status': 'exited'}})
    assert len(every['containers']) == 1


def test_info_check_mode_is_the_same():
    result = run_module('docker_api_info', {}, check=True)
    assert not result.failed and result['changed'] is False and result['info']


def test_docker_host_from_environment(busybox_image):
    result = run_module('docker_api_info', {}, env={'DOCKER_HOST': 'unix:///var/run/docker.sock'})
    assert not result.failed
    missing = run_module('docker_api_info', {}, env={'DOCKER_HOST': 'unix:///nonexistent/docker.sock'})
    assert missing.failed
    assert missing['msg'] == ('Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock: '
                              'the socket does not exist. Is dockerd running?')
    assert missing['error_kind'] == 'socket_missing'


def test_pinned_api_version_is_used():
    result = run_module('docker_api_info', {'api_version': '1.41'})
    assert not result.failed and result['api_version'] == '1.41'


def test_api_version_that_does_not_parse():
    result = run_module('docker_api_info', {'api_version': 'latest'})
    assert result.failed and 'api_version' in result['msg'] and result['error_kind'] == 'invalid_settings'


def test_socket_that_is_not_a_daemon(tmp_path):
    # A socket file nobody listens on: connection refused, said plainly.
    import socket
    path = str(tmp_path / 'stale.sock')
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(path)
    sock.close()
    result = run_module('docker_api_info', {'docker_host': 'unix://' + path})
    assert result.failed and 'connection refused' in result['msg'] and 'Is dockerd running' in result['msg']
    assert result['error_kind'] == 'refused'


def test_permission_denied_on_socket_names_the_docker_group():
    """A real unprivileged user against the real root-only socket.

    The child is forked (not exec'd) and drops to nobody, so it needs no readable interpreter
    path; it runs the same client code the modules run.
    """
    if os.getuid() != 0:
        pytest.skip('needs root to switch to another user')
    import pwd
    from ansible_collections.tprov.docker.plugins.module_utils.engine_client import EngineClient
    from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError
    mode = os.stat('/var/run/docker.sock').st_mode
    assert not mode & 0o007, 'the docker socket must not be world-accessible'
    nobody = pwd.getpwnam('nobody')
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        try:
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            try:
                EngineClient.from_params({'docker_host': 'unix:///var/run/docker.sock'}).version()
                message = 'CONNECTED'
            except EngineError as exc:
                message = '%s %s' % (exc.kind, exc)
            except BaseException as exc:  # pragma: no cover - reported to the parent as a failure
                message = 'UNEXPECTED %r' % exc
            os.write(write_end, message.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    message = os.read(read_end, 4096).decode()
    os.waitpid(pid, 0)
    assert message.startswith('permission Permission denied on the Docker socket /var/run/docker.sock'), message
    assert 'root-equivalent' in message


def test_info_over_tls(tls_daemon):
    result = run_module('docker_api_info', tls_daemon.client_args())
    assert not result.failed, result
    assert result['info']['ID']
    # The TLS daemon is a different engine from the local one (the ID comes from the shared key.json).
    local = run_module('docker_api_info', {})
    assert local['info']['DockerRootDir'] != result['info']['DockerRootDir']
    assert result['info']['DockerRootDir'].startswith(tls_daemon.base)


def test_tls_from_docker_cert_path_like_the_docker(tls_daemon):
    env = {'DOCKER_HOST': tls_daemon.host, 'DOCKER_TLS_VERIFY': '1',
           'DOCKER_CERT_PATH': os.path.join(tls_daemon.pki, 'client')}
    result = run_module('docker_api_info', {}, env=env)
    assert not result.failed, result


def test_tls_from_home_dot_docker(tls_daemon, tmp_path):
    dot_docker = tmp_path / '.docker'
    dot_docker.mkdir()
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        (dot_docker / name).write_bytes(open(os.path.join(tls_daemon.pki, 'client', name), 'rb').read())
    result = run_module('docker_api_info', {'docker_host': tls_daemon.host, 'validate_certs': True},
                        env={'HOME': str(tmp_path)})
    assert not result.failed, result


def test_tls_refuses_without_client_certificate(tls_daemon):
    args = tls_daemon.client_args()
    del args['client_cert'], args['client_key']
    result = run_module('docker_api_info', args, env={'HOME': '/nonexistent'})
    assert result.failed
    assert 'requires a client certificate' in result['msg'] and 'none was sent' in result['msg']
    assert result['error_kind'] == 'tls_no_client_cert'


def test_tls_refuses_client_certificate_from_another_ca(tls_daemon, foreign_pki):
    args = tls_daemon.client_args()
    args['client_cert'] = os.path.join(foreign_pki, 'client', 'cert.pem')
    args['client_key'] = os.path.join(foreign_pki, 'client', 'key.pem')
    result = run_module('docker_api_info', args)
    assert result.failed
    assert 'rejected the client certificate' in result['msg'] and 'server side' in result['msg']
    assert result['error_kind'] == 'tls_client_rejected'


def test_tls_wrong_ca_is_rejected_by_the_client(tls_daemon, foreign_pki):
    args = tls_daemon.client_args()
    args['ca_path'] = os.path.join(foreign_pki, 'ca.pem')
    result = run_module('docker_api_info', args)
    assert result.failed
    assert 'not issued by the CA in ca_path' in result['msg'] and 'client side' in result['msg']
    assert result['error_kind'] == 'tls_unknown_ca'


def test_tls_hostname_mismatch(tls_daemon):
    args = tls_daemon.client_args()
    args['tls_hostname'] = 'docker.example.com'
    result = run_module('docker_api_info', args)
    assert result.failed
    assert 'does not list docker.example.com' in result['msg'] and result['error_kind'] == 'tls_name_mismatch'
    args['tls_hostname'] = 'localhost'  # in the server certificate's SANs
    assert not run_module('docker_api_info', args).failed


def test_plain_http_to_tls_port(tls_daemon):
    result = run_module('docker_api_info', {'docker_host': tls_daemon.host})
    assert result.failed and 'speaks TLS' in result['msg'] and result['error_kind'] == 'tls_required'


def test_missing_ca_file_names_the_option(tls_daemon, tmp_path):
    args = tls_daemon.client_args()
    args['ca_path'] = str(tmp_path / 'nope.pem')
    result = run_module('docker_api_info', args)
    assert result.failed and result['msg'].startswith('ca_path: no file at')
    assert result['error_kind'] == 'invalid_settings'


def test_tls_options_on_unix_socket_are_refused():
    result = run_module('docker_api_info', {'validate_certs': True})
    assert result.failed and 'unix socket' in result['msg']


def test_connection_refused_on_tcp():
    result = run_module('docker_api_info', {'docker_host': 'tcp://127.0.0.1:1'})
    assert result.failed and 'connection refused' in result['msg'] and result['error_kind'] == 'refused'


def test_docker_cli_reaches_tls_daemon_with_the_issued_bundle(tls_daemon):
    env = dict(os.environ, DOCKER_HOST=tls_daemon.host, DOCKER_TLS_VERIFY='1',
               DOCKER_CERT_PATH=os.path.join(tls_daemon.pki, 'client'))
    proc = docker('info', '--format', '{{.ID}}', env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    env.pop('DOCKER_TLS_VERIFY')
    env['DOCKER_CERT_PATH'] = '/nonexistent'
    refused = docker('--tlsverify=false', 'info', env=env, check=False)
    assert refused.returncode != 0


def test_client_certificate_without_ca_is_refused_unless_validate_certs_false(tls_daemon, tmp_path):
    """Issue 13, item 18: the certificate is never presented to an unverified daemon by default."""
    args = tls_daemon.client_args()
    del args['ca_path'], args['validate_certs']
    env = {'HOME': str(tmp_path), 'DOCKER_CERT_PATH': str(tmp_path / 'nothing-here')}
    refused = run_module('docker_api_info', args, env=env)
    assert refused.failed and 'validate_certs: false' in refused['msg'] and 'ca_path' in refused['msg'], refused
    # DOCKER_CERT_PATH's ca.pem is found as the CLI finds it, and verification is on.
    found = run_module('docker_api_info', args, env=dict(env, DOCKER_CERT_PATH=os.path.join(tls_daemon.pki, 'client')))
    assert not found.failed, found
    explicit = run_module('docker_api_info', dict(args, validate_certs=False), env=env)
    assert not explicit.failed, explicit


def test_the_daemon_roles_proof_reads_kinds_not_words(tls_daemon, tmp_path):
    """What roles/daemon/tasks/prove.yml runs: no client certificate against --tlsverify, and a closed
    plaintext port, each told apart by its kind. The anonymous probe (docker_tls_info) presents no
    client certificate even when DOCKER_CERT_PATH and ~/.docker hold a bundle the daemon accepts."""
    dot_docker = tmp_path / '.docker'
    dot_docker.mkdir()
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        shutil.copy(os.path.join(tls_daemon.pki, 'client', name), str(dot_docker / name))
    anonymous = run_module('docker_tls_info', {
        'docker_host': tls_daemon.host, 'validate_certs': True, 'timeout': 5,
        'ca_path': os.path.join(tls_daemon.pki, 'ca.pem')},
        env={'DOCKER_CERT_PATH': os.path.join(tls_daemon.pki, 'client'), 'HOME': str(tmp_path)})
    assert not anonymous.failed and anonymous['chains_to_ca'] is True, anonymous
    assert anonymous['handshake'] is False and anonymous['handshake_error_kind'] == 'tls_no_client_cert', anonymous
    import socket
    with socket.socket() as probe:  # a port nothing listens on: bound, never listening
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
        closed = run_module('docker_api_info', {'docker_host': 'tcp://127.0.0.1:%d' % port,
                                                'validate_certs': False, 'timeout': 2})
    assert closed.failed and closed['error_kind'] in ('refused', 'timeout'), closed
    assert closed['error_kind'] == 'refused'  # on loopback the kernel answers at once


@pytest.mark.parametrize('module,args,kind', [
    ('docker_api_info', {'containers': 'maybe'}, 'invalid_option'),
    ('docker_api_container_info', {'name': ' '}, 'invalid_option'),
    ('docker_api_container_info', {'name': 'tprov-it-no-such-container-anywhere'}, None),
    ('docker_api_image_info', {'name': ['Not A Name']}, 'invalid_option'),
    ('docker_api_image_info', {'search': ' '}, 'invalid_option'),
    ('docker_api_image', {'name': 'busybox', 'source': 'load'}, 'invalid_option'),
    ('docker_api_image', {'name': 'tprov-it/never-built:none', 'source': 'load', 'load_path': '/nonexistent.tar'},
     'invalid_option'),
    ('docker_api_image', {'name': 'localhost:1/tprov-it/none:1'}, 'api_error'),
])
def test_every_failure_of_the_engine_modules_has_a_kind(module, args, kind):
    result = run_module(module, args)
    if kind is None:
        assert not result.failed and result['exists'] is False, result
        return
    assert result.failed and result['error_kind'] == kind, result
    if kind == 'api_error':  # a backend's failure keeps the result keys it had (what was done so far: nothing,
        assert result['actions'] == [], result  # since the pull failed)


@pytest.fixture
def plain_web_server(tmp_path):
    """python3 -m http.server on a free loopback port: an HTTP server that is not dockerd (404 on /version)."""
    import subprocess
    import sys
    import time
    import urllib.request

    from engine_bed import free_port
    port = free_port()
    server = subprocess.Popen([sys.executable, '-m', 'http.server', '--bind', '127.0.0.1', str(port)],
                              cwd=str(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen('http://127.0.0.1:%d/' % port, timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield 'tcp://127.0.0.1:%d' % port
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.parametrize('module,args,check', [
    ('docker_api_container_info', {'name': 'anything'}, False),
    ('docker_api_image', {'name': 'busybox:latest'}, True),
    ('docker_api_image_info', {'name': ['busybox:latest']}, False),
    ('docker_api_info', {}, False),
])
def test_a_web_server_that_is_not_docker_is_a_connection_error(plain_web_server, module, args, check):
    # Its 404 on /version is not "no such container/image": nothing is reported absent, pulled or fine.
    args = dict(args, docker_host=plain_web_server, timeout=5)
    result = run_module(module, args, check=check)
    assert result.failed and result['error_kind'] == 'not_docker', result
    assert 'not a Docker Engine API' in result['msg'] and 'docker_host' in result['msg'], result
    assert not result.get('actions') and 'exists' not in result, result
