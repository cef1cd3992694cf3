"""The connection plugin's glue: which collection errors make a host unreachable, and become by the engine."""

import pytest

from ansible.errors import AnsibleConnectionFailure, AnsibleError

from ansible_collections.tprov.docker.plugins.connection.docker_api import _EngineBecome, engine_errors
from ansible_collections.tprov.docker.plugins.module_utils.container_exec import ContainerUnavailable
from ansible_collections.tprov.docker.plugins.module_utils.errors import (
    EngineAPIError,
    EngineConnectionError,
    EngineError,
    InvalidOption,
)


@pytest.mark.parametrize('error,unreachable', [
    (ContainerUnavailable('The container c on h is not running', kind='conflict'), True),
    (EngineConnectionError('TLS: ...', kind='tls_unknown_ca'), True),
    (EngineAPIError('The Docker daemon at h speaks TLS', status=400, kind='tls_required'), True),
    (EngineAPIError('Docker engine: boom (HTTP 500 on POST /exec)', status=500), False),
    (InvalidOption('bad'), False),
    (EngineError('Cannot find the ids of user app'), False),
])
def test_engine_errors(error, unreachable):
    with pytest.raises(AnsibleError) as raised:
        with engine_errors():
            raise error
    assert isinstance(raised.value, AnsibleConnectionFailure) is unreachable
    assert str(error) in str(raised.value)


class FakeSudo(object):
    """Stands for a become plugin: options and a command wrapper."""

    name = 'sudo'
    require_tty = True
    pipelining = True

    def get_option(self, name):
        return {'become_user': 'app'}[name]

    def build_become_command(self, cmd, shell):
        return 'sudo -u app ' + cmd


def test_become_by_the_engine_leaves_the_command_alone_and_reads_the_plugins_options():
    become = _EngineBecome(FakeSudo())
    assert become.build_become_command('/bin/sh -c id', None) == '/bin/sh -c id'
    assert become.get_option('become_user') == 'app' and become.name == 'sudo' and become.pipelining
    assert become.require_tty is False
