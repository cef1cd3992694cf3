# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Engine API modules' glue, on top of safe_module.py: their connection options and their whole
``main()`` (:func:`run_engine_module`) - build the module, build the client, call the backend, turn an
:class:`EngineError` into a failed result with its kind.

Apart from safe_module.py so that the modules that never speak to the Engine API (docker_daemon_config,
docker_tls_files) carry neither the HTTP client nor requests: less to build on the controller for each run,
and less to import on the managed host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.tprov.docker.plugins.module_utils.connection import DEFAULT_DOCKER_HOST, DEFAULT_TIMEOUT
from ansible_collections.tprov.docker.plugins.module_utils.engine_client import REQUESTS_IMPORT_ERROR, EngineClient
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError
from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule

# The connection options every Engine API module accepts (documented in doc_fragments/docker_api.py).
CONNECTION_ARGUMENT_SPEC = dict(
    docker_host=dict(type='str', default=DEFAULT_DOCKER_HOST, aliases=['docker_url'],
                     fallback=(env_fallback, ['DOCKER_HOST'])),
    # A Docker CLI context (docker_context.py): its address wins over docker_host (which always has a value:
    # its default, DOCKER_HOST or module_defaults, none of which a module can tell from the task's own).
    docker_context=dict(type='str'),
    # DOCKER_TLS and DOCKER_TLS_VERIFY are read by resolve_connection (the CLI's rules, not a bool's).
    tls=dict(type='bool'),
    validate_certs=dict(type='bool', aliases=['tls_verify']),
    ca_path=dict(type='path', aliases=['ca_cert', 'tls_ca_cert', 'cacert_path']),
    client_cert=dict(type='path', aliases=['tls_client_cert', 'cert_path']),
    client_key=dict(type='path', aliases=['tls_client_key', 'key_path'], no_log=False),
    tls_hostname=dict(type='str', fallback=(env_fallback, ['DOCKER_TLS_HOSTNAME'])),
    api_version=dict(type='str', default='auto', aliases=['docker_api_version'],
                     fallback=(env_fallback, ['DOCKER_API_VERSION'])),
    timeout=dict(type='int', default=DEFAULT_TIMEOUT, fallback=(env_fallback, ['DOCKER_TIMEOUT'])),
)


def connection_argument_spec(**extra):
    """The connection options merged with a module's own options."""
    spec = dict((k, dict(v)) for k, v in CONNECTION_ARGUMENT_SPEC.items())
    spec.update(extra)
    return spec


def fail_with(module, exc):
    """Fail the module with an EngineError: its message, its kind, and the result keys it carries."""
    details = dict(getattr(exc, 'details', None) or {})
    details.pop('msg', None)
    details.pop('error_kind', None)
    module.fail_json(msg=str(exc), error_kind=getattr(exc, 'kind', None) or 'engine_error', **details)


def check_requirements(module):
    """Fail the module when requests / requests-unixsocket are missing on the managed node."""
    if REQUESTS_IMPORT_ERROR:
        module.fail_missing_library('requests and requests-unixsocket', REQUESTS_IMPORT_ERROR,
                                    error_kind='missing_library')


def client_from_module(module):
    """An EngineClient for an AnsibleModule, failing the module with a clear message on bad options."""
    check_requirements(module)
    try:
        client = EngineClient.from_params(module.params)
    except EngineError as exc:
        fail_with(module, exc)
    # The credential headers the client sends become the module's no_log values as they are built.
    client.secrets = module.no_log_values
    return client


def run_engine_module(backend, argument_spec=None, **module_kwargs):
    """The main() of an Engine API module: ``backend(module, client)`` returns the result to exit with.

    ``argument_spec``: the module's own options (the connection options are added);
    ``module_kwargs`` go to SafeModule (supports_check_mode, required_if, entry_specs, ...).
    An EngineError from the backend fails the module with ``msg``, ``error_kind`` and its ``details``.
    """
    module = SafeModule(argument_spec=connection_argument_spec(**(argument_spec or {})),
                        validation_error_kind='invalid_option', **module_kwargs)
    client = client_from_module(module)
    try:
        result = backend(module, client)
    except EngineError as exc:
        fail_with(module, exc)
    finally:
        client.close()
    module.exit_json(**result)
