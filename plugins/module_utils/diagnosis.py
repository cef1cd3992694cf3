# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Why the daemon could not be reached: a kind code (errors.CONNECTION_ERROR_KINDS) and one line to act on.

Pure: reads the exception chain (requests, urllib3, ssl and socket errors all end in it) and the
connection settings; imports no HTTP library.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import ssl


def _exception_chain(exc):
    """Every exception reachable from exc through causes, contexts, args and urllib3's .reason."""
    seen = []
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or any(current is s for s in seen) or len(seen) > 20:
            continue
        seen.append(current)
        todo.extend([getattr(current, 'reason', None), current.__cause__, current.__context__])
        todo.extend(a for a in getattr(current, 'args', ()) if isinstance(a, BaseException))
    return seen


def explain_connection_error(exc, settings):
    """(kind, message): why the daemon at settings could not be reached, and what to do, in one line.

    ``kind`` is one of errors.CONNECTION_ERROR_KINDS.
    """
    chain = _exception_chain(exc)
    text = ' '.join(str(e) for e in chain)
    lowered = text.lower()
    where = settings.docker_host

    def caused_by(*types):
        return any(isinstance(e, types) for e in chain)

    if settings.socket_path:
        if caused_by(FileNotFoundError) or 'no such file' in lowered:
            return 'socket_missing', ('Cannot connect to the Docker daemon at %s: the socket does not exist. '
                                      'Is dockerd running?' % where)
        if caused_by(PermissionError) or 'permission denied' in lowered:
            return 'permission', ('Permission denied on the Docker socket %s: run the task as root (become: true) '
                                  'or as a member of the docker group; membership of the docker group is '
                                  'root-equivalent, so grant it sparingly.' % settings.socket_path)
        if caused_by(ConnectionRefusedError) or 'connection refused' in lowered:
            return 'refused', ('Cannot connect to the Docker daemon at %s: connection refused: the socket '
                               'file is stale. Is dockerd running?' % where)
    if caused_by(ssl.SSLError) or 'ssl' in lowered or 'certificate' in lowered:
        return _explain_tls_error(lowered, settings)
    if caused_by(ConnectionRefusedError) or 'connection refused' in lowered:
        return 'refused', ('Cannot connect to the Docker daemon at %s: connection refused. Is dockerd listening on '
                           'that address and port (-H tcp://...), and does a firewall let it through?' % where)
    if caused_by(socket.gaierror) or 'name or service not known' in lowered \
            or 'failed to resolve' in lowered or 'nodename nor servname' in lowered:
        return 'dns', 'Cannot connect to the Docker daemon at %s: the host name does not resolve.' % where
    if caused_by(socket.timeout) or 'timed out' in lowered:
        return 'timeout', ('Timed out after %ss talking to the Docker daemon at %s. Raise timeout, or check that '
                           'the host is reachable.' % (settings.timeout, where))
    if 'connection reset' in lowered or 'remotedisconnected' in lowered or 'connection aborted' in lowered:
        if settings.use_tls:
            return _explain_tls_error(lowered, settings)
        return 'closed', ('The Docker daemon at %s closed the connection. If it listens with TLS (port 2376), set '
                          'validate_certs: true with ca_path, client_cert and client_key.' % where)
    return 'unreachable', 'Cannot talk to the Docker daemon at %s: %s' % (
        where, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _explain_tls_error(lowered, settings):
    """(kind, message) for a failed TLS handshake; ``lowered``: the exception chain's text, lower case."""
    where = settings.docker_host
    if 'wrong version number' in lowered or 'record layer failure' in lowered or 'http request' in lowered:
        return 'tls_not_tls', ('TLS handshake with %s failed: the daemon did not answer with TLS. Is it listening '
                               'without --tlsverify (plaintext, port 2375)? Use the daemon\'s TLS port.' % where)
    if 'hostname mismatch' in lowered or 'ip address mismatch' in lowered or "doesn't match" in lowered \
            or 'not valid for' in lowered:
        checked = settings.tls_hostname or settings.base_url.split('://', 1)[-1].rsplit(':', 1)[0].strip('[]')
        return 'tls_name_mismatch', (
            'TLS: the daemon\'s server certificate does not list %s in its subject alternative names (client '
            'side rejected the server). Re-issue the server certificate with that DNS name or IP in '
            'subject_alt_names, or connect by a name it lists (tls_hostname overrides the name checked).' % checked)
    if 'unable to get local issuer' in lowered or 'self-signed certificate' in lowered \
            or 'self signed certificate' in lowered or ('unknown ca' in lowered and 'alert' not in lowered):
        return 'tls_unknown_ca', (
            'TLS: the daemon\'s server certificate was not issued by the CA in ca_path (%s) (client side '
            'rejected the server). Use the CA that signed the daemon\'s certificate.' % settings.ca_path)
    if 'certificate has expired' in lowered or ('certificate expired' in lowered and 'alert' not in lowered):
        return 'tls_server_expired', 'TLS: the daemon\'s server certificate has expired (client side rejected it). Renew it.'
    # TLS 1.3 servers send "certificate required"; Go's TLS 1.2 server answers a missing client
    # certificate with "bad certificate" (or a bare handshake failure).
    if 'certificate required' in lowered or ('handshake failure' in lowered and not settings.client_cert) \
            or (not settings.client_cert and ('alert bad certificate' in lowered or 'alert unknown ca' in lowered
                                              or 'alert certificate unknown' in lowered)):
        return 'tls_no_client_cert', (
            'TLS: the daemon at %s requires a client certificate (--tlsverify) and none was sent (server side '
            'rejected the client). Set client_cert and client_key, or put cert.pem and key.pem in '
            'DOCKER_CERT_PATH or ~/.docker.' % where)
    if 'alert unknown ca' in lowered or 'alert bad certificate' in lowered \
            or 'alert certificate unknown' in lowered or 'alert decrypt error' in lowered:
        return 'tls_client_rejected', (
            'TLS: the daemon at %s rejected the client certificate %s (server side rejected the client): it was '
            'not issued by the CA the daemon trusts (--tlscacert), or it lacks clientAuth.'
            % (where, settings.client_cert))
    if 'alert certificate expired' in lowered:
        return 'tls_client_expired', ('TLS: the daemon rejected the client certificate %s as expired. Renew it.'
                                      % settings.client_cert)
    if 'key values mismatch' in lowered or 'pem lib' in lowered or 'no start line' in lowered:
        return 'tls_key_mismatch', ('TLS: client_key %s does not match client_cert %s, or one is not a PEM file.'
                                    % (settings.client_key, settings.client_cert))
    if 'connection reset' in lowered or 'connection aborted' in lowered or 'eof occurred' in lowered \
            or 'unexpected eof' in lowered:
        if not settings.client_cert:
            return 'tls_no_client_cert', (
                'TLS: the daemon at %s closed the connection during the handshake; it probably requires a client '
                'certificate (--tlsverify) and none was sent. Set client_cert and client_key.' % where)
        return 'tls_client_rejected', ('TLS: the daemon at %s closed the connection during the handshake (server '
                                       'side rejected the client certificate %s?).' % (where, settings.client_cert))
    return 'tls_handshake', 'TLS handshake with %s failed: %s' % (where, lowered.splitlines()[0][:300])


def explain_http_error(status, explanation, settings, method, path):
    """(kind, message) for an HTTP error answer; ``explanation``: the daemon's words, already scrubbed."""
    lowered = (explanation or '').lower()
    if status == 400 and 'http request to an https server' in lowered:
        # Go's TLS listener answers plaintext HTTP with this 400.
        return 'tls_required', (
            'The Docker daemon at %s speaks TLS: set validate_certs: true with ca_path, client_cert and client_key '
            '(or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH).' % settings.docker_host)
    if status == 400 and 'client version' in lowered:
        return 'api_version', ('The Docker engine refused the API version: %s. Set api_version to a version it '
                               'accepts, or leave it at auto.' % explanation)
    kind = {404: 'not_found', 409: 'conflict'}.get(status, 'api_error')
    return kind, 'Docker engine: %s (HTTP %d on %s %s)' % (explanation, status, method, path.split('?')[0])


def explain_not_docker(what, settings):
    """(kind, message) when something answered HTTP at docker_host but not as dockerd does (``what``:
    how its answer to /version differs: a 404, no Engine API version)."""
    return 'not_docker', (
        '%s answered, but is not a Docker Engine API: %s. Check docker_host (and DOCKER_HOST): it must point at '
        'dockerd, not at a web server or proxy.' % (settings.docker_host, what))
