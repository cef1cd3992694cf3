"""engine_client.py: credential headers scrubbed, and sent only where no one else reads them."""

import json

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import connection
from ansible_collections.tprov.docker.plugins.module_utils import engine_client as ec
from ansible_collections.tprov.docker.plugins.module_utils import errors


def settings(**params):
    return connection.resolve_connection(params, environ={}, home='/nonexistent-home')


def test_credential_header_forms_and_scrub():
    from ansible_collections.tprov.docker.plugins.module_utils.images import registry_auth_header
    header = registry_auth_header('someone', 'Scrub-Pa55?>>', 'registry.example.com')
    forms = ec.header_secret_forms(header)
    bare = header.rstrip('=')
    assert {header, bare, bare.replace('-', '+').replace('_', '/'), 'Scrub-Pa55?>>'} <= forms
    assert any(form.startswith('{"username": "someone"') for form in forms)  # the decoded JSON
    client = ec.EngineClient(settings())
    client.secrets.update(forms)
    echoed = 'X-Registry-Auth: %s\n%s\n%s' % (bare, json.dumps(json.dumps({'a': header})), 'left alone')
    scrubbed = client.scrub(echoed)
    assert bare not in scrubbed and header not in scrubbed and 'left alone' in scrubbed, scrubbed


@pytest.mark.parametrize('params, allowed', [
    (dict(docker_host='tcp://203.0.113.7:2375'), False),  # plain, another host: readable on the wire
    (dict(docker_host='tcp://203.0.113.7:2376', tls=True), False),  # TLS without a CA: anyone may answer
    (dict(docker_host='tcp://203.0.113.7:2375', validate_certs=False), True),  # said so on purpose
    (dict(docker_host='tcp://203.0.113.7:2376', tls=True, validate_certs=False), True),
    (dict(docker_host='tcp://127.0.0.1:2375'), True),
    (dict(docker_host='tcp://[::1]:2375'), True),
    (dict(docker_host='tcp://localhost:2375'), True),
    (dict(), True),  # the unix socket
])
def test_registry_credentials_go_only_to_a_daemon_no_one_else_reads(params, allowed):
    client = ec.EngineClient(settings(api_version='1.41', timeout=1, **params))
    client._session.request = lambda *args, **kwargs: pytest.fail('sent')  # the check comes first
    if allowed:
        client._check_credentials_may_go('POST', '/images/create')
        return
    with pytest.raises(errors.ConnectionSettingsError) as err:
        client.post('/images/create', headers={'X-Registry-Auth': 'eyJwYXNzd29yZCI6ICJ4In0='})
    assert 'validate_certs: false' in str(err.value) and '203.0.113.7' in str(err.value)
    assert client.request_count == 0
