"""errors.py: every error carries a stable kind code, and the codes are one documented list."""

import ast
import os

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import errors

from tprov_testlib import REPO_ROOT


@pytest.mark.parametrize('cls,kind', [
    (errors.EngineError, 'engine_error'),
    (errors.InvalidOption, 'invalid_option'),
    (errors.ConnectionSettingsError, 'invalid_settings'),
    (errors.EngineConnectionError, 'unreachable'),
    (errors.APIVersionError, 'api_version'),
    (errors.EngineAPIError, 'api_error'),
    (errors.NotFound, 'not_found'),
    (errors.Conflict, 'conflict'),
])
def test_each_class_has_its_kind(cls, kind):
    exc = cls('words')
    assert exc.kind == kind and str(exc) == 'words' and exc.details == {}
    assert kind in errors.ERROR_KINDS


def test_a_kind_given_wins_and_details_are_kept():
    exc = errors.EngineConnectionError('no', kind='refused').with_details(actions=['a'])
    assert exc.kind == 'refused' and exc.details == {'actions': ['a']}
    api = errors.NotFound('gone', status=404, explanation='no such image')
    assert (api.status, api.explanation, api.kind) == (404, 'no such image', 'not_found')
    assert isinstance(api, errors.EngineAPIError) and isinstance(api, errors.EngineError)


def test_kind_codes_are_unique_and_the_connection_kinds_are_all_there():
    assert len(set(errors.ERROR_KINDS)) == len(errors.ERROR_KINDS)
    for kind in ('socket_missing', 'permission', 'refused', 'dns', 'timeout', 'closed', 'tls_not_tls',
                 'tls_name_mismatch', 'tls_unknown_ca', 'tls_server_expired', 'tls_no_client_cert',
                 'tls_client_rejected', 'tls_client_expired', 'tls_key_mismatch', 'tls_handshake', 'unreachable'):
        assert kind in errors.CONNECTION_ERROR_KINDS


def test_errors_imports_nothing_of_the_collection():
    tree = ast.parse(open(os.path.join(REPO_ROOT, 'plugins', 'module_utils', 'errors.py')).read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.module == '__future__', node.module
        assert not isinstance(node, ast.Import)
