"""safe_module.py: the connection options and the client it builds for a module."""

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import errors
from ansible_collections.tprov.docker.plugins.module_utils import engine_module as glue


def test_connection_spec_is_a_copy():
    spec = glue.connection_argument_spec(name=dict(type='str'))
    spec['docker_host']['default'] = 'changed'
    assert glue.CONNECTION_ARGUMENT_SPEC['docker_host']['default'] == 'unix:///var/run/docker.sock'


def test_sent_credential_headers_become_the_modules_no_log_values():
    class Module(object):
        params = dict(docker_host='tcp://127.0.0.1:9', api_version='1.41', timeout=1)
        no_log_values = set()

        def fail_json(self, **kwargs):
            raise AssertionError(kwargs)

    module = Module()
    client = glue.client_from_module(module)
    with pytest.raises(errors.EngineError):  # nothing listens on port 9: the header is registered before sending
        client.post('/images/create', headers={'X-Registry-Auth': 'eyJwYXNzd29yZCI6ICJ4In0='})
    assert {'eyJwYXNzd29yZCI6ICJ4In0=', 'eyJwYXNzd29yZCI6ICJ4In0', '{"password": "x"}'} <= module.no_log_values
