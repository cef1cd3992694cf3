"""errors.py: every error carries a stable kind code, and the codes are one documented list."""

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import errors


@pytest.mark.parametrize('cls,kind', [
    (errors.EngineError, 'engine_error'),
    (errors.InvalidOption, 'invalid_option'),
    (errors.ConnectionSettingsError, 'invalid_settings'),
    (errors.EngineConnectionError, 'unreachable'),
    (errors.APIVersionError, 'api_version'),
    (errors.EngineAPIError, 'api_error'),
    (errors.NotFound, 'not_found'),
    (errors.Conflict, 'conflict'),
    (errors.InUse, 'in_use'),
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
                 'tls_client_rejected', 'tls_client_expired', 'tls_key_mismatch', 'tls_handshake', 'not_docker',
                 'unreachable'):
        assert kind in errors.CONNECTION_ERROR_KINDS


def test_the_doc_fragment_lists_every_kind_and_no_other():
    """The codes are a contract documented once for users (doc_fragments/docker_api.py): both agree."""
    import re

    import yaml

    from ansible_collections.tprov.docker.plugins.doc_fragments.docker_api import ModuleDocFragment
    notes = ' '.join(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['notes'])
    documented = re.findall(r'(?<!R)V\(([a-z_]+)\)', notes[notes.index('error_kind'):])
    assert sorted(documented) == sorted(errors.ERROR_KINDS)
