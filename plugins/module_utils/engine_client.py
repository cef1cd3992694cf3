# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Docker Engine API client of the collection: HTTP to dockerd, nothing of Ansible.

Every module talks to dockerd through :class:`EngineClient`.  It is built from
:class:`~.connection.ConnectionSettings` (resolved the way the Docker CLI does), negotiates the
API version once per client, and turns every transport or daemon failure into an
:class:`~.errors.EngineError` whose text is one line a person can act on and whose ``kind`` a
caller can test (the transport failures are diagnosed in diagnosis.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import ipaddress
import json
import time
import traceback

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    import requests_unixsocket
except ImportError:  # the glue (engine_module.check_requirements) fails the module with missing_required_lib
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HTTPAdapter = object

from ansible_collections.tprov.docker.plugins.module_utils.api_query import filters_param
from ansible_collections.tprov.docker.plugins.module_utils.connection import negotiate_api_version, resolve_connection
from ansible_collections.tprov.docker.plugins.module_utils.diagnosis import (
    explain_connection_error,
    explain_http_error,
    explain_not_docker,
)
from ansible_collections.tprov.docker.plugins.module_utils.errors import (
    Conflict,
    ConnectionSettingsError,
    EngineAPIError,
    EngineConnectionError,
    NotFound,
)

# Request headers that carry credentials (the registry login of a pull or push).
SENSITIVE_HEADERS = ('X-Registry-Auth', 'X-Registry-Config')
SCRUBBED = '********'


class _TLSNameAdapter(HTTPAdapter):
    """An HTTPS adapter that checks the server certificate against tls_hostname, not the URL's host."""

    def __init__(self, tls_hostname, **kwargs):
        self._tls_hostname = tls_hostname
        super(_TLSNameAdapter, self).__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs['assert_hostname'] = self._tls_hostname
        kwargs['server_hostname'] = self._tls_hostname
        return super(_TLSNameAdapter, self).init_poolmanager(*args, **kwargs)


def header_secret_forms(value):
    """The texts under which a credential header value may come back in an answer.

    X-Registry-Auth is base64url of a JSON login; a proxy or daemon echoing the request may show it
    padded or not, in standard base64, decoded, or JSON-escaped.
    """
    forms = set()
    if not value:
        return forms
    text = value.decode('ascii', 'replace') if isinstance(value, bytes) else str(value)
    bare = text.rstrip('=')
    padded = bare + '=' * (-len(bare) % 4)
    for form in (text, bare, padded):
        forms.add(form)
        forms.add(form.replace('-', '+').replace('_', '/'))
    try:
        decoded = base64.urlsafe_b64decode(padded.encode('ascii')).decode('utf-8')
    except (binascii.Error, ValueError, UnicodeError):
        decoded = None
    if decoded:
        forms.add(decoded)
        forms.add(json.dumps(decoded)[1:-1])
        try:
            login = json.loads(decoded)
        except ValueError:
            login = None
        if isinstance(login, dict):
            for key in ('password', 'identitytoken', 'registrytoken', 'auth'):
                if login.get(key):
                    forms.add(str(login[key]))
    return set(form for form in forms if form)


def _is_loopback(host):
    if not host:
        return False
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EngineClient(object):
    """A session with one dockerd, over a unix socket, TCP or TLS.

    The API version is negotiated on the first versioned request (one ``GET /version``) and
    kept; ``server_version`` holds that ``/version`` body so callers need not ask again.
    """

    def __init__(self, settings):
        self.settings = settings
        self.server_version = None
        self._api_version = None if settings.api_version == 'auto' else settings.api_version
        self.request_count = 0
        # Every form of every credential header sent; client_from_module shares the module's
        # no_log_values here, so results and messages are masked too.
        self.secrets = set()
        if settings.socket_path:
            self._session = requests_unixsocket.Session()
        else:
            self._session = requests.Session()
            if settings.use_tls:
                if settings.tls_hostname:
                    self._session.mount('https://', _TLSNameAdapter(settings.tls_hostname))
                self._session.verify = settings.ca_path if settings.verify else False
                if settings.client_cert:
                    self._session.cert = (settings.client_cert, settings.client_key)
        # The daemon is not behind an HTTP proxy: ignore HTTP(S)_PROXY and ~/.netrc.
        self._session.trust_env = False

    @classmethod
    def from_params(cls, params, environ=None):
        return cls(resolve_connection(params, environ=environ))

    # -- API version ----------------------------------------------------------------------
    @property
    def api_version(self):
        if self._api_version is None:
            self._negotiate()
        return self._api_version

    def _negotiate(self):
        body = self._version_body(versioned=False)
        self.server_version = body
        self._api_version = negotiate_api_version(body.get('ApiVersion', ''), body.get('MinAPIVersion'))

    def _version_body(self, versioned):
        """GET /version, or a connection-level error when what answers is not a Docker Engine API.

        Every dockerd serves /version as a JSON object with ApiVersion. A 404 there comes from some
        other HTTP server, and must not pass for "object not found" to get_json_or_none's callers."""
        try:
            response = self._call('GET', '/version', versioned=versioned)
        except NotFound as exc:
            raise self._not_docker('HTTP 404 on /version (%s)' % (exc.explanation or 'no explanation')[:200])
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get('ApiVersion'):
            raise self._not_docker('no Engine API version in its answer to /version')
        return body

    def _not_docker(self, what):
        kind, message = explain_not_docker(what, self.settings)
        return EngineConnectionError(message, kind=kind)

    def version(self):
        """The daemon's /version body (fetched once per client)."""
        if self.server_version is None:
            if self._api_version is None:
                self._negotiate()
            else:
                self.server_version = self._version_body(versioned=True)
        return self.server_version

    # -- requests ---------------------------------------------------------------------------
    def url(self, path, versioned=True):
        if versioned:
            return '%s/v%s%s' % (self.settings.base_url, self.api_version, path)
        return self.settings.base_url + path

    def _call(self, method, path, versioned=True, params=None, json_body=None, data=None,
              headers=None, stream=False, timeout=None):
        url = self.url(path, versioned)
        hdrs = {}
        if json_body is not None:
            data = json.dumps(json_body)
            hdrs['Content-Type'] = 'application/json'
        if headers:
            hdrs.update(headers)
        for name in SENSITIVE_HEADERS:
            if hdrs.get(name):
                self.secrets.update(header_secret_forms(hdrs[name]))
                self._check_credentials_may_go(method, path)
        self.request_count += 1
        try:
            # The Engine API never redirects; following one would carry X-Registry-Auth and the
            # request body (env values) to wherever the Location points.
            response = self._session.request(
                method, url, params=params, data=data, headers=hdrs, stream=stream, allow_redirects=False,
                timeout=timeout if timeout is not None else self.settings.timeout)
        except (requests.exceptions.RequestException, OSError) as exc:  # ssl.SSLError is an OSError
            raise self._connection_error(exc)
        except (ValueError, OverflowError) as exc:
            # Inputs the HTTP stack cannot even send (a URL it cannot build, a timeout it cannot hold).
            raise ConnectionSettingsError('The request to %s could not be sent (%s): check docker_host and timeout.'
                                          % (self.settings.docker_host, exc))
        # Redirects are not followed (allow_redirects=False), so a 3xx arrives here as the answer.
        # 304 is the engine's "Not Modified" (start of a running container, stop of a stopped one):
        # a success, returned like any other.
        if 300 <= response.status_code < 400 and response.status_code != 304:
            response.close()
            raise EngineAPIError(
                'The Docker daemon at %s answered HTTP %d (a redirect to %s) on %s %s; the Engine API never '
                'redirects, so it was not followed. Check that docker_host points at dockerd, not at a web '
                'server or proxy.' % (self.settings.docker_host, response.status_code,
                                      (response.headers.get('Location') or 'nowhere')[:200], method,
                                      path.split('?')[0]),
                status=response.status_code)
        if response.status_code >= 400:
            self._raise_for_status(method, path, response)
        return response

    def _connection_error(self, exc):
        kind, message = explain_connection_error(exc, self.settings)
        return EngineConnectionError(message, kind=kind)

    def _check_credentials_may_go(self, method, path):
        """Registry credentials go only where no one on the way can read or receive them unasked.

        A unix socket, a loopback address and a verified TLS daemon qualify; plain tcp:// to
        another host (readable on the wire) and TLS without a CA (any server answers) do not,
        unless validate_certs: false says so.
        """
        s = self.settings
        if s.socket_path or (s.use_tls and s.verify) or s.unverified_ok or _is_loopback(s.host):
            return
        how = ('over plain tcp://, unencrypted' if not s.use_tls
               else 'over TLS to a daemon that is not verified (no CA)')
        raise ConnectionSettingsError(
            'Registry credentials (registry_username / registry_password) would be sent to %s %s on %s %s. '
            'Connect with TLS verification (ca_path with client_cert and client_key, or DOCKER_TLS_VERIFY and '
            'DOCKER_CERT_PATH), or set validate_certs: false to send them anyway.'
            % (s.docker_host, how, method, path.split('?')[0]))

    def _raise_for_status(self, method, path, response):
        try:
            explanation = response.json().get('message')
        except ValueError:
            explanation = None
        if not explanation:
            explanation = (response.text or '').strip() or response.reason
        # A proxy's error page may echo the request, X-Registry-Auth included.
        explanation = self.scrub(explanation)
        kind, message = explain_http_error(response.status_code, explanation, self.settings, method, path)
        cls = {404: NotFound, 409: Conflict}.get(response.status_code, EngineAPIError)
        raise cls(message, status=response.status_code, explanation=explanation, kind=kind)

    def scrub(self, text):
        """text with every form of a credential header this client sent replaced by SCRUBBED."""
        if not isinstance(text, str):
            return text
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, SCRUBBED)
        return text

    def get_json(self, path, params=None, versioned=True):
        return self._call('GET', path, versioned=versioned, params=params).json()

    def get_bytes(self, path, params=None):
        """GET path; the raw body (container logs are framed bytes, not JSON)."""
        return self._call('GET', path, params=params).content

    def get_json_or_none(self, path, params=None):
        """GET path; None when the daemon answers 404."""
        try:
            return self.get_json(path, params=params)
        except NotFound:
            return None

    def post(self, path, params=None, json_body=None, data=None, headers=None, timeout=None):
        response = self._call('POST', path, params=params, json_body=json_body, data=data,
                              headers=headers, timeout=timeout)
        if response.content and 'json' in response.headers.get('Content-Type', ''):
            return response.json()
        return None

    def put(self, path, params=None, data=None, headers=None):
        """PUT a body (bytes, or a generator of chunks, sent chunked); the answer is not read."""
        self._call('PUT', path, params=params, data=data, headers=headers).close()

    def get_stream(self, path, params=None):
        """GET path; the open response, its body unread (a container archive of any size). Close it."""
        return self._call('GET', path, params=params, stream=True)

    def delete(self, path, params=None):
        response = self._call('DELETE', path, params=params)
        if response.content and 'json' in response.headers.get('Content-Type', ''):
            return response.json()
        return None

    def stream_json(self, method, path, params=None, data=None, headers=None, timeout=None):
        """Read a JSON-lines progress stream to its end; raise EngineAPIError on an error inside it.

        Pull, push and load report failures as ``{"error": ...}`` objects in a 200 response,
        so a status code alone would hide them.
        """
        response = self._call(method, path, params=params, data=data, headers=headers,
                              stream=True, timeout=timeout)
        messages = []
        try:
            for line in response.iter_lines():
                if not line:
                    continue
                try:
                    message = json.loads(line)
                except ValueError:
                    messages.append({'stream': line.decode('utf-8', 'replace')})
                    continue
                if isinstance(message, dict) and (message.get('error') or message.get('errorDetail')):
                    detail = self.scrub(message.get('error') or (message.get('errorDetail') or {}).get('message'))
                    raise EngineAPIError('Docker engine: %s (during %s %s)' % (detail, method, path.split('?')[0]),
                                         status=200, explanation=detail)
                messages.append(message)
        except requests.exceptions.RequestException as exc:
            raise self._connection_error(exc)
        finally:
            response.close()
        return messages

    def recent_events(self, filters, timeout=3):
        """The events the engine still holds (its last few hundred) that match ``filters``, up to now.

        ``until`` ends the stream once the engine's clock passes it; the read timeout bounds a remote
        engine whose clock is behind ours."""
        response = self._call('GET', '/events', params={
            'since': '1', 'until': '%.3f' % (time.time() + 0.2), 'filters': filters_param(filters)},
            stream=True, timeout=timeout)
        events = []
        try:
            for line in response.iter_lines():
                if line:
                    try:
                        events.append(json.loads(line))
                    except ValueError:
                        continue
        except requests.exceptions.RequestException:
            pass  # the read timeout: what arrived is what the engine holds
        finally:
            response.close()
        return events

    def close(self):
        self._session.close()
