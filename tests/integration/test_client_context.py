"""docker_client_context and the docker_context option, against the TLS-only dockerd (engine_bed) and the
real Docker CLI: a context written without the CLI is one the CLI uses, and the modules read the same files."""

import hashlib
import json
import os

import pytest

from tprov_testlib import docker, run_module


def bundle_content(pki):
    return dict(ca_content=open(os.path.join(pki, 'ca.pem')).read(),
                cert_content=open(os.path.join(pki, 'client', 'cert.pem')).read(),
                key_content=open(os.path.join(pki, 'client', 'key.pem')).read())


@pytest.fixture
def context(tls_daemon, tmp_path):
    """A context tprov-it for the TLS engine, written by docker_client_context into a fresh config dir."""
    config = tmp_path / 'dot-docker'
    config.mkdir(mode=0o700)
    args = dict(config_dir=str(config), bundle='client', contexts=[
        {'name': 'tprov-it', 'docker_host': tls_daemon.host, 'host': 'it'}], **bundle_content(tls_daemon.pki))
    result = run_module('docker_client_context', args)
    assert not result.failed and result['changed'], result
    return dict(config=str(config), args=args, home=str(tmp_path))


def cli(context, *args):
    # HOME and DOCKER_CONFIG in a temp dir: nothing of this machine's own ~/.docker is used.
    env = dict(os.environ, HOME=context['home'], DOCKER_CONFIG=context['config'])
    for name in ('DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'):
        env.pop(name, None)
    return docker(*args, env=env, check=False)


def test_the_docker_cli_uses_a_context_written_without_it(context, tls_daemon):
    ps = cli(context, '--context', 'tprov-it', 'ps', '--format', '{{.Names}}')
    assert ps.returncode == 0, ps.stderr
    info = cli(context, '--context', 'tprov-it', 'info', '--format', '{{.ID}}')
    assert info.returncode == 0 and info.stdout.strip(), info.stderr
    listed = cli(context, 'context', 'ls', '--format', '{{.Name}} {{.DockerEndpoint}}')
    assert 'tprov-it %s' % tls_daemon.host in listed.stdout.splitlines(), listed.stdout
    inspected = json.loads(cli(context, 'context', 'inspect', 'tprov-it').stdout)[0]
    assert inspected['Metadata']['tprov.docker'] == {'bundle': 'client', 'host': 'it'}
    ident = hashlib.sha256(b'tprov-it').hexdigest()
    assert inspected['Storage']['MetadataPath'].endswith('/contexts/meta/' + ident)
    # The second run changes nothing; the CLI's own reading left the files as they were.
    again = run_module('docker_client_context', context['args'])
    assert not again.failed and not again['changed'], again


def test_docker_api_info_with_docker_context(context, tls_daemon):
    env = {'DOCKER_CONFIG': context['config'], 'HOME': context['home'],
           'DOCKER_HOST': 'tcp://127.0.0.1:1'}  # the context wins over DOCKER_HOST, as --context does
    result = run_module('docker_api_info', {'docker_context': 'tprov-it'}, env=env)
    assert not result.failed, result
    direct = run_module('docker_api_info', tls_daemon.client_args())
    assert result['info']['ID'] == direct['info']['ID'] and result['info']['ID']


def test_docker_context_wins_over_docker_host_and_tls_options_over_its_files(context, tls_daemon, foreign_pki):
    env = {'DOCKER_CONFIG': context['config']}
    # docker_host always has a value (default, DOCKER_HOST, module_defaults): the context's address is used.
    result = run_module('docker_api_info', {'docker_context': 'tprov-it', 'docker_host': 'tcp://127.0.0.1:1'}, env=env)
    assert not result.failed, result
    # A CA given in the task replaces the context's: another CA's, so the daemon is not trusted.
    other = run_module('docker_api_info', {'docker_context': 'tprov-it', 'timeout': 5,
                                           'ca_path': os.path.join(foreign_pki, 'ca.pem')}, env=env)
    assert other.failed and other['error_kind'] == 'tls_unknown_ca', other


def test_unknown_or_broken_context_names_it_with_a_kind(context):
    env = {'DOCKER_CONFIG': context['config']}
    missing = run_module('docker_api_info', {'docker_context': 'tprov-nowhere'}, env=env)
    assert missing.failed and missing['error_kind'] == 'context_not_found', missing
    assert "no Docker context named 'tprov-nowhere'" in missing['msg']
    meta = os.path.join(context['config'], 'contexts', 'meta', hashlib.sha256(b'tprov-it').hexdigest(), 'meta.json')
    with open(meta, 'w') as handle:
        handle.write('{"Name": "tprov-it", "Endpoints": ')
    broken = run_module('docker_api_info', {'docker_context': 'tprov-it'}, env=env)
    assert broken.failed and broken['error_kind'] == 'context_invalid' and meta in broken['msg'], broken


def test_a_symlinked_meta_dir_planted_by_another_user_is_not_followed(tls_daemon, tmp_path):
    """Run as root into a directory 'nobody' owns: their contexts/meta -> elsewhere is refused, nothing written."""
    home = tmp_path / 'home'
    config = home / '.docker'
    target = tmp_path / 'root-only'
    for path in (config / 'contexts', target):
        path.mkdir(parents=True)
    for path in (home, config, config / 'contexts'):
        os.chown(str(path), 65534, 65534)
    os.symlink(str(target), str(config / 'contexts' / 'meta'))
    os.lchown(str(config / 'contexts' / 'meta'), 65534, 65534)
    result = run_module('docker_client_context', dict(
        config_dir=str(config), owner='65534', bundle='client', **bundle_content(tls_daemon.pki),
        contexts=[{'name': 'tprov-it', 'docker_host': tls_daemon.host}]))
    assert result.failed and 'symbolic link' in result['msg'] and 'refusing to follow it' in result['msg'], result
    assert os.listdir(str(target)) == []
    key = open(os.path.join(tls_daemon.pki, 'client', 'key.pem')).read().strip().splitlines()[1]
    assert key not in result.raw


def test_through_a_play_the_key_is_read_on_the_controller_and_never_shown(tls_daemon, playbook, tmp_path):
    config = tmp_path / 'cfg'
    config.mkdir(mode=0o700)
    pki = tls_daemon.pki
    play = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - tprov.docker.docker_client_context:
        config_dir: %s
        bundle: client
        ca_src: %s
        cert_src: %s
        key_src: %s
        contexts: [{name: tprov-play, docker_host: "%s"}]
        prune: true
''' % (config, os.path.join(pki, 'ca.pem'), os.path.join(pki, 'client', 'cert.pem'),
       os.path.join(pki, 'client', 'key.pem'), tls_daemon.host)
    rc, output, recap = playbook(play, '-vvv', '--diff')
    assert rc == 0 and recap['changed'] == 1, output
    key = open(os.path.join(pki, 'client', 'key.pem')).read().strip().splitlines()[1]
    assert key not in output
    rc, output, recap = playbook(play, '--diff')
    assert rc == 0 and recap['changed'] == 0, output
    ps = cli(dict(config=str(config), home=str(tmp_path)), '--context', 'tprov-play', 'ps')
    assert ps.returncode == 0, ps.stderr
