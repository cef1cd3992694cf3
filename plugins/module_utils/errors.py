# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The errors of the collection's Engine API code, each with a stable ``kind`` code.

``str(error)`` is the message for a person; ``error.kind`` is the code a role or playbook tests
(returned as ``error_kind`` in every failed Engine API module result), so callers never match
wording. The codes below are a contract: add new ones, never rename one.

This file imports nothing of the collection, so pure parsers can raise these errors without
pulling in the HTTP client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Why a connection to the daemon failed, from the diagnosis in plugins/module_utils/diagnosis.py
# (EngineConnectionError.kind; tls_required comes with the daemon's HTTP 400). The doc fragment
# docker_api documents every code; a unit test keeps the two in step.
CONNECTION_ERROR_KINDS = (
    'socket_missing',       # the unix socket file does not exist (dockerd not running)
    'permission',           # no permission on the unix socket (not root, not in the docker group)
    'refused',              # nothing listens there (stale socket, closed port, firewall reject)
    'dns',                  # the host name does not resolve
    'timeout',              # no answer within timeout
    'closed',               # the daemon closed a plaintext connection (it probably speaks TLS)
    'tls_required',         # plaintext HTTP was sent to a TLS port (the daemon answered 400)
    'tls_not_tls',          # TLS was spoken to a daemon that answers plaintext
    'tls_name_mismatch',    # the daemon's certificate does not carry the name or address connected to
    'tls_unknown_ca',       # the daemon's certificate was not issued by ca_path
    'tls_server_expired',   # the daemon's certificate has expired
    'tls_no_client_cert',   # the daemon requires a client certificate (--tlsverify) and none was sent
    'tls_client_rejected',  # the daemon refused the client certificate (other CA, no clientAuth)
    'tls_client_expired',   # the daemon refused the client certificate as expired
    'tls_key_mismatch',     # client_key does not belong to client_cert, or is not PEM
    'tls_handshake',        # any other TLS failure
    'not_docker',           # something answered HTTP at docker_host, but not as a Docker Engine API
    'unreachable',          # any other transport failure
)

# The kinds of the error classes below (besides the connection kinds above).
ERROR_KINDS = (
    'engine_error',         # EngineError raised without a more precise kind
    'invalid_option',       # a module option's value is refused before anything is sent
    'invalid_settings',     # the connection options contradict each other or name missing files
    'missing_library',      # requests / requests-unixsocket are not installed where the module runs
    'api_version',          # the daemon's Engine API is outside the range the collection speaks
    'api_error',            # the daemon answered with an HTTP error
    'not_found',            # HTTP 404
    'conflict',             # HTTP 409
    'in_use',               # a network or volume to remove (or recreate) is used by containers
    'context_not_found',    # docker_context names no context in the Docker CLI's store
    'context_invalid',      # docker_context's meta.json is not a context's (not JSON, no docker endpoint)
) + CONNECTION_ERROR_KINDS


class EngineError(Exception):
    """A failure of an Engine API module; ``str()`` is the message for the user.

    ``kind``: the stable code (one of ERROR_KINDS). ``details``: extra result keys a failed module
    returns besides ``msg`` and ``error_kind`` (the actions done so far, a container's log tail).
    """

    default_kind = 'engine_error'

    def __init__(self, message, kind=None):
        super(EngineError, self).__init__(message)
        self.kind = kind or self.default_kind
        self.details = {}

    def with_details(self, **details):
        """Add result keys for the failure; returns self, for ``raise exc.with_details(...)``."""
        self.details.update(details)
        return self


class InvalidOption(EngineError):
    """A module option's value cannot be used; the message names the option and the fix."""

    default_kind = 'invalid_option'


class InUse(EngineError):
    """A network or volume the task would remove (or recreate) is used by containers; the message names them."""

    default_kind = 'in_use'


class ConnectionSettingsError(EngineError):
    """The connection options contradict each other or name missing files."""

    default_kind = 'invalid_settings'


class EngineConnectionError(EngineError):
    """The daemon could not be reached (socket, TCP or TLS); ``kind`` says why."""

    default_kind = 'unreachable'


class APIVersionError(EngineError):
    """The daemon's API is outside the versions the collection speaks."""

    default_kind = 'api_version'


class EngineAPIError(EngineError):
    """The daemon answered with an HTTP error; ``status`` and ``explanation`` hold its words."""

    default_kind = 'api_error'

    def __init__(self, message, status=None, explanation=None, kind=None):
        super(EngineAPIError, self).__init__(message, kind=kind)
        self.status = status
        self.explanation = explanation


class NotFound(EngineAPIError):
    """HTTP 404 from the daemon."""

    default_kind = 'not_found'


class Conflict(EngineAPIError):
    """HTTP 409 from the daemon."""

    default_kind = 'conflict'
