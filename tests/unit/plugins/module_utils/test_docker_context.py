"""docker_context.py: the Docker CLI's context store - ids, meta.json, reading a context for docker_context."""

import hashlib
import json
import os

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import connection, docker_context
from ansible_collections.tprov.docker.plugins.module_utils.errors import ConnectionSettingsError

CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n'


def test_context_id_is_the_sha256_hex_of_the_name():
    # The CLI stores "probe" under ba9c73...: checked against `docker context create probe` (CLI 28.2).
    assert docker_context.context_id('probe') == 'ba9c736f19e7f60b7f6764adb0b7908c0a2b394e09b6c09863528c7f2bc86095'
    assert docker_context.context_id('tprov-dö') == hashlib.sha256('tprov-dö'.encode('utf-8')).hexdigest()


def test_meta_json_has_the_cli_shape_and_the_marker():
    meta = docker_context.context_meta('tprov-d1', 'tcp://d1:2376', 'admin', 'd1')
    assert meta['Name'] == 'tprov-d1'
    assert meta['Endpoints'] == {'docker': {'Host': 'tcp://d1:2376', 'SkipTLSVerify': False}}
    assert meta['Metadata']['Description'] == 'tprov.docker: client bundle admin for d1'
    assert meta['Metadata']['tprov.docker'] == {'bundle': 'admin', 'host': 'd1'}
    assert docker_context.marker(meta) == {'bundle': 'admin', 'host': 'd1'}
    # One stable serialisation: a second run compares equal.
    assert json.loads(docker_context.dump_meta(meta)) == meta
    assert docker_context.dump_meta(meta) == docker_context.dump_meta(json.loads(docker_context.dump_meta(meta)))


def test_a_users_own_context_has_no_marker():
    own = {'Name': 'x', 'Metadata': {'Description': 'mine'}, 'Endpoints': {'docker': {'Host': 'ssh://me@h'}}}
    assert docker_context.marker(own) is None
    assert docker_context.marker({'Name': 'x', 'Metadata': {'tprov.docker': 'yes'}}) is None


def write_context(config, name, host='tcp://d1:2376', files=('ca.pem', 'cert.pem', 'key.pem'), meta=None, skip=False):
    ident = hashlib.sha256(name.encode()).hexdigest()
    os.makedirs(os.path.join(config, 'contexts', 'meta', ident))
    with open(os.path.join(config, 'contexts', 'meta', ident, 'meta.json'), 'w') as handle:
        handle.write(meta if meta is not None else json.dumps(
            {'Name': name, 'Metadata': {}, 'Endpoints': {'docker': {'Host': host, 'SkipTLSVerify': skip}}}))
    tls = os.path.join(config, 'contexts', 'tls', ident, 'docker')
    os.makedirs(tls)
    for filename in files:
        with open(os.path.join(tls, filename), 'w') as handle:
            handle.write(CA)
    return tls


def test_docker_context_gives_host_and_tls_files(tmp_path):
    config = str(tmp_path / 'cfg')
    tls = write_context(config, 'tprov-d1')
    env = {'DOCKER_CONFIG': config, 'DOCKER_HOST': 'tcp://elsewhere:1', 'DOCKER_CERT_PATH': '/nowhere'}
    s = connection.resolve_connection({'docker_context': 'tprov-d1'}, environ=env, home='/nonexistent-home')
    assert s.base_url == 'https://d1:2376' and s.verify
    assert (s.ca_path, s.client_cert, s.client_key) == (tls + '/ca.pem', tls + '/cert.pem', tls + '/key.pem')


def test_docker_context_from_home_dot_docker_and_options_win(tmp_path):
    write_context(str(tmp_path / '.docker'), 'c')
    ca = tmp_path / 'other-ca.pem'
    ca.write_text(CA)
    s = connection.resolve_connection({'docker_context': 'c', 'ca_path': str(ca)}, environ={}, home=str(tmp_path))
    tls = docker_context.tls_dir(str(tmp_path / '.docker'), 'c')
    assert s.ca_path == str(ca) and s.client_cert == tls + '/cert.pem' and s.client_key == tls + '/key.pem'
    assert s.verify
    # The certificate and key go as a pair: one given in the task, neither comes from the context.
    pair = connection.resolve_connection({'docker_context': 'c', 'client_cert': str(ca), 'client_key': str(ca)},
                                         environ={}, home=str(tmp_path))
    assert (pair.ca_path, pair.client_cert, pair.client_key) == (tls + '/ca.pem', str(ca), str(ca))


def test_docker_context_without_tls_files_is_plain_and_skip_verify_is_unverified_tls(tmp_path):
    config = str(tmp_path)
    write_context(config, 'plain', host='tcp://d2:2375', files=())
    write_context(config, 'skip', host='tcp://d3:2376', files=(), skip=True)
    env = {'DOCKER_CONFIG': config, 'DOCKER_TLS_VERIFY': '1'}
    plain = connection.resolve_connection({'docker_context': 'plain'}, environ=env, home='/nonexistent-home')
    assert plain.base_url == 'http://d2:2375' and not plain.use_tls
    skip = connection.resolve_connection({'docker_context': 'skip'}, environ=env, home='/nonexistent-home')
    assert skip.base_url == 'https://d3:2376' and skip.use_tls and not skip.verify


def test_unknown_context_says_so_with_a_kind(tmp_path):
    with pytest.raises(ConnectionSettingsError) as caught:
        connection.resolve_connection({'docker_context': 'nope'}, environ={'DOCKER_CONFIG': str(tmp_path)})
    assert caught.value.kind == 'context_not_found'
    assert "no Docker context named 'nope'" in str(caught.value) and 'docker context ls' in str(caught.value)


@pytest.mark.parametrize('meta, words', [
    ('{not json', 'is not JSON'),
    ('[]', 'has no Name'),
    (json.dumps({'Name': 'other', 'Endpoints': {}}), "names context 'other'"),
    (json.dumps({'Name': 'bad', 'Endpoints': {'kubernetes': {}}}), 'has no Endpoints.docker.Host'),
])
def test_malformed_context_says_so_with_a_kind(tmp_path, meta, words):
    write_context(str(tmp_path), 'bad', meta=meta)
    with pytest.raises(ConnectionSettingsError, match=words) as caught:
        connection.resolve_connection({'docker_context': 'bad'}, environ={'DOCKER_CONFIG': str(tmp_path)})
    assert caught.value.kind == 'context_invalid'


def test_half_a_client_pair_is_invalid(tmp_path):
    write_context(str(tmp_path), 'half', files=('ca.pem', 'cert.pem'))
    with pytest.raises(ConnectionSettingsError, match='only one of cert.pem and key.pem') as caught:
        connection.resolve_connection({'docker_context': 'half'}, environ={'DOCKER_CONFIG': str(tmp_path)})
    assert caught.value.kind == 'context_invalid'


def test_default_names_the_cli_builtin(tmp_path):
    with pytest.raises(ConnectionSettingsError, match='leave docker_context unset'):
        connection.resolve_connection({'docker_context': 'default'}, environ={'DOCKER_CONFIG': str(tmp_path)})
