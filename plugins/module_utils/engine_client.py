# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Docker Engine API client of the collection.

Every module talks to dockerd through :class:`EngineClient`.  It resolves the
connection the way the Docker CLI does (``DOCKER_HOST``, ``DOCKER_TLS_VERIFY``,
``DOCKER_CERT_PATH``, ``~/.docker/{ca,cert,key}.pem``), negotiates the API
version once per client, and turns every transport or daemon failure into an
:class:`EngineError` whose text is one line a person can act on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import ipaddress
import json
import os
import socket
import ssl
import time
import traceback

from urllib.parse import quote

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    import requests_unixsocket
except ImportError:  # handled by check_requirements(): the module fails with missing_required_lib
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HTTPAdapter = object

from ansible_collections.tprov.docker.plugins.module_utils.errors import (  # noqa: F401 (re-exported for other modules until they import errors)
    APIVersionError,
    Conflict,
    ConnectionSettingsError,
    EngineAPIError,
    EngineConnectionError,
    EngineError,
    NotFound,
)

# The oldest Engine API we speak: Debian 12's docker.io 20.10 (and Debian 11's).
MIN_API_VERSION = '1.41'
# The newest Engine API whose request and response shapes this collection knows.
# Newer engines keep serving it (Docker 29 accepts 1.44 and later).
MAX_API_VERSION = '1.47'

# Request headers that carry credentials (the registry login of a pull or push).
SENSITIVE_HEADERS = ('X-Registry-Auth', 'X-Registry-Config')
SCRUBBED = '********'

DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'
DEFAULT_TIMEOUT = 60
MAX_TIMEOUT = 86400  # a day: beyond it the HTTP stack cannot hold the value, and no call needs it

def version_tuple(version):
    """'1.41' -> (1, 41); raises ValueError on anything else."""
    parts = str(version).strip().split('.')
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(version)
    return int(parts[0]), int(parts[1])


def negotiate_api_version(server_version, server_min_version=None,
                          ours_min=MIN_API_VERSION, ours_max=MAX_API_VERSION):
    """The API version to talk: min(server's, ours), refusing engines older than ours_min."""
    try:
        server = version_tuple(server_version)
    except ValueError:
        raise APIVersionError('The daemon reported an API version %r that is not of the form N.M.' % (server_version,))
    if server < version_tuple(ours_min):
        raise APIVersionError(
            'The Docker engine speaks Engine API %s; tprov.docker needs %s or newer '
            '(Docker 20.10 or later). Upgrade the engine.' % (server_version, ours_min))
    chosen = min(server, version_tuple(ours_max))
    if server_min_version:
        try:
            if chosen < version_tuple(server_min_version):
                raise APIVersionError(
                    'The Docker engine accepts Engine API %s to %s, but tprov.docker speaks at most %s. '
                    'Pin api_version to a version the engine accepts, or upgrade tprov.docker.'
                    % (server_min_version, server_version, ours_max))
        except ValueError:
            pass
    return '%d.%d' % chosen


class ConnectionSettings(object):
    """Where and how to connect, resolved from module options and the environment."""

    def __init__(self, docker_host, base_url, socket_path=None, use_tls=False, verify=False,
                 ca_path=None, client_cert=None, client_key=None, tls_hostname=None,
                 timeout=DEFAULT_TIMEOUT, api_version='auto', host=None, unverified_ok=False):
        self.docker_host = docker_host
        self.host = host  # the tcp host name or address (None for a unix socket)
        self.unverified_ok = unverified_ok  # validate_certs: false was set
        self.base_url = base_url
        self.socket_path = socket_path
        self.use_tls = use_tls
        self.verify = verify
        self.ca_path = ca_path
        self.client_cert = client_cert
        self.client_key = client_key
        self.tls_hostname = tls_hostname
        self.timeout = timeout
        self.api_version = api_version


def _split_host_port(hostport, default_port):
    """'h:1', '[::1]:2', 'h' -> (host, port); raises ValueError."""
    if hostport.startswith('['):
        end = hostport.find(']')
        if end < 0:
            raise ValueError(hostport)
        host = hostport[1:end]
        rest = hostport[end + 1:]
        if rest and not rest.startswith(':'):
            raise ValueError(hostport)
        port = rest[1:] if rest else ''
    elif hostport.count(':') > 1:
        # A bare IPv6 address without brackets and without port.
        host, port = hostport, ''
    elif ':' in hostport:
        host, port = hostport.rsplit(':', 1)
    else:
        host, port = hostport, ''
    if not host:
        raise ValueError(hostport)
    if port == '':
        port = default_port
    port = int(port)
    if not 0 < port < 65536:
        raise ValueError(hostport)
    return host, port


def resolve_connection(params, environ=None, home=None):
    """Turn the connection options into :class:`ConnectionSettings`.

    Pure: reads ``environ`` (default ``os.environ``) and checks that named files exist, so it
    can be tested without a daemon.  Follows the Docker CLI: TLS material comes from the
    options, else from ``DOCKER_CERT_PATH``, else from ``~/.docker``.
    """
    environ = os.environ if environ is None else environ
    home = os.path.expanduser('~') if home is None else home
    docker_host = (params.get('docker_host') or DEFAULT_DOCKER_HOST).strip()
    # The Docker CLI (cli/flags/options.go; https://docs.docker.com/reference/cli/docker/#environment-variables:
    # "DOCKER_TLS_VERIFY: When set Docker uses TLS and verifies the remote", DOCKER_TLS: "Set to a
    # non-empty value to enable TLS") counts a variable as set when it is non-empty: "0" and "false"
    # turn TLS and verification on, an empty value is unset. A task's option wins, as a flag does.
    env_tls = environ.get('DOCKER_TLS', '') != ''
    env_verify = environ.get('DOCKER_TLS_VERIFY', '') != ''
    validate_certs = params.get('validate_certs')
    tls = env_tls if params.get('tls') is None else params['tls']
    verify_wanted = env_verify if validate_certs is None else validate_certs
    ca_path = params.get('ca_path')
    client_cert = params.get('client_cert')
    client_key = params.get('client_key')
    explicit_tls_files = bool(ca_path or client_cert or client_key)
    timeout = DEFAULT_TIMEOUT if params.get('timeout') is None else params['timeout']
    if timeout <= 0 or timeout > MAX_TIMEOUT:
        raise ConnectionSettingsError('timeout must be a number of seconds between 1 and %d, not %s.'
                                      % (MAX_TIMEOUT, timeout))
    api_version = (params.get('api_version') or 'auto').strip()
    if api_version != 'auto':
        try:
            version_tuple(api_version)
        except ValueError:
            raise ConnectionSettingsError(
                "api_version must be 'auto' or a version such as 1.41, not %r." % api_version)

    if docker_host.startswith('unix://'):
        path = docker_host[len('unix://'):]
        if not path.startswith('/'):
            raise ConnectionSettingsError(
                'docker_host %r: a unix socket needs an absolute path, e.g. unix:///var/run/docker.sock.' % docker_host)
        if tls or verify_wanted or explicit_tls_files:
            raise ConnectionSettingsError(
                'docker_host %r is a local unix socket, where TLS does not apply: remove tls, '
                'validate_certs, ca_path, client_cert and client_key (or DOCKER_TLS / DOCKER_TLS_VERIFY), '
                'or point docker_host at the daemon\'s tcp:// address.' % docker_host)
        return ConnectionSettings(docker_host, 'http+unix://' + quote(path, safe=''),
                                  socket_path=path, timeout=timeout, api_version=api_version)

    scheme_less = docker_host
    for prefix in ('tcp://', 'https://', 'http://'):
        if docker_host.startswith(prefix):
            scheme_less = docker_host[len(prefix):]
            break
    else:
        if '://' in docker_host:
            raise ConnectionSettingsError(
                'docker_host %r: unsupported scheme; use unix:///path/to/docker.sock or tcp://HOST:PORT.' % docker_host)
    scheme_less = scheme_less.rstrip('/')
    # Naming a CA, certificate or key for a tcp:// host means TLS, as it does for the CLI's flags.
    use_tls = bool(tls or verify_wanted or docker_host.startswith('https://') or explicit_tls_files)
    if docker_host.startswith('http://') and use_tls:
        raise ConnectionSettingsError(
            'docker_host %r says http:// but TLS options are set; use tcp:// or https://.' % docker_host)
    # Like the Docker CLI: ca/cert/key given as options win; else DOCKER_CERT_PATH; else ~/.docker.
    verify = False
    if use_tls:
        cert_dir = environ.get('DOCKER_CERT_PATH') or os.path.join(home, '.docker')
        if not client_cert and not client_key:
            cand_cert = os.path.join(cert_dir, 'cert.pem')
            cand_key = os.path.join(cert_dir, 'key.pem')
            if os.path.exists(cand_cert) and os.path.exists(cand_key):
                client_cert, client_key = cand_cert, cand_key
        if bool(client_cert) != bool(client_key):
            raise ConnectionSettingsError(
                'client_cert and client_key go together: set both (or neither, to use cert.pem and '
                'key.pem from DOCKER_CERT_PATH or ~/.docker).')
        # A client certificate (with registry credentials and env values behind it) is presented
        # only to a daemon whose certificate is checked, unless validate_certs: false says otherwise.
        verify = bool(validate_certs) if validate_certs is not None else bool(env_verify or ca_path or client_cert)
        defaulted = []
        if not ca_path and verify:
            ca_path = os.path.join(cert_dir, 'ca.pem')
            defaulted.append('ca_path')
            if validate_certs is None and not env_verify and not os.path.isfile(ca_path):
                raise ConnectionSettingsError(
                    'A client certificate (client_cert and client_key: %s) would be presented, but there is no CA '
                    'to verify the daemon with: no ca_path, and no ca.pem in DOCKER_CERT_PATH or ~/.docker. Set '
                    'ca_path to the CA that signed the daemon\'s certificate, or set validate_certs: false to '
                    'present the certificate to a daemon that is not verified.' % client_cert)
        for option, value in (('ca_path', ca_path), ('client_cert', client_cert), ('client_key', client_key)):
            if value and not os.path.isfile(value):
                where = (' (taken from DOCKER_CERT_PATH or ~/.docker because TLS verification is on)'
                         if option in defaulted else '')
                raise ConnectionSettingsError(
                    '%s: no file at %s%s. Point %s at the PEM file, or set DOCKER_CERT_PATH to the '
                    'directory holding ca.pem, cert.pem and key.pem.' % (option, value, where, option))
    default_port = 2376 if use_tls else 2375
    try:
        host, port = _split_host_port(scheme_less, default_port)
    except ValueError:
        raise ConnectionSettingsError(
            'docker_host %r is not an address: use unix:///path/to/docker.sock or tcp://HOST:PORT.' % docker_host)
    netloc = '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port)
    base_url = ('https://' if use_tls else 'http://') + netloc
    return ConnectionSettings(docker_host, base_url, use_tls=use_tls, verify=verify,
                              ca_path=ca_path, client_cert=client_cert, client_key=client_key,
                              tls_hostname=params.get('tls_hostname'), timeout=timeout,
                              api_version=api_version, host=host, unverified_ok=validate_certs is False)


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
    """One line saying why the daemon at settings could not be reached, and what to do."""
    chain = _exception_chain(exc)
    text = ' '.join(str(e) for e in chain)
    lowered = text.lower()
    where = settings.docker_host
    if settings.socket_path:
        if any(isinstance(e, FileNotFoundError) for e in chain) or 'no such file' in lowered:
            return ('Cannot connect to the Docker daemon at %s: the socket does not exist. '
                    'Is dockerd running?' % where)
        if any(isinstance(e, PermissionError) for e in chain) or 'permission denied' in lowered:
            return ('Permission denied on the Docker socket %s: run the task as root (become: true) or as a '
                    'member of the docker group; membership of the docker group is root-equivalent, '
                    'so grant it sparingly.' % settings.socket_path)
        if any(isinstance(e, ConnectionRefusedError) for e in chain) or 'connection refused' in lowered:
            return ('Cannot connect to the Docker daemon at %s: connection refused: the socket '
                    'file is stale. Is dockerd running?' % where)
    if any(isinstance(e, ssl.SSLError) for e in chain) or 'ssl' in lowered or 'certificate' in lowered:
        return _explain_tls_error(lowered, settings)
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or 'connection refused' in lowered:
        return ('Cannot connect to the Docker daemon at %s: connection refused. Is dockerd listening on '
                'that address and port (-H tcp://...), and does a firewall let it through?' % where)
    if any(isinstance(e, socket.gaierror) for e in chain) or 'name or service not known' in lowered \
            or 'failed to resolve' in lowered or 'nodename nor servname' in lowered:
        return 'Cannot connect to the Docker daemon at %s: the host name does not resolve.' % where
    if any(isinstance(e, (socket.timeout,)) for e in chain) or 'timed out' in lowered:
        return ('Timed out after %ss talking to the Docker daemon at %s. Raise timeout, or check that '
                'the host is reachable.' % (settings.timeout, where))
    if 'connection reset' in lowered or 'remotedisconnected' in lowered or 'connection aborted' in lowered:
        if settings.use_tls:
            return _explain_tls_error(lowered, settings)
        return ('The Docker daemon at %s closed the connection. If it listens with TLS (port 2376), set '
                'validate_certs: true with ca_path, client_cert and client_key.' % where)
    return 'Cannot talk to the Docker daemon at %s: %s' % (
        where, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _explain_tls_error(lowered, settings):
    where = settings.docker_host
    if 'wrong version number' in lowered or 'record layer failure' in lowered or 'http request' in lowered:
        return ('TLS handshake with %s failed: the daemon did not answer with TLS. Is it listening without '
                '--tlsverify (plaintext, port 2375)? Use the daemon\'s TLS port.' % where)
    if 'hostname mismatch' in lowered or 'ip address mismatch' in lowered or "doesn't match" in lowered \
            or 'not valid for' in lowered:
        checked = settings.tls_hostname or settings.base_url.split('://', 1)[-1].rsplit(':', 1)[0].strip('[]')
        return ('TLS: the daemon\'s server certificate does not list %s in its subject alternative names '
                '(client side rejected the server). Re-issue the server certificate with that DNS name or IP '
                'in subject_alt_names, or connect by a name it lists (tls_hostname overrides the name checked).'
                % checked)
    if 'unable to get local issuer' in lowered or 'self-signed certificate' in lowered \
            or 'self signed certificate' in lowered or ('unknown ca' in lowered and 'alert' not in lowered):
        return ('TLS: the daemon\'s server certificate was not issued by the CA in ca_path (%s) (client '
                'side rejected the server). Use the CA that signed the daemon\'s certificate.' % settings.ca_path)
    if 'certificate has expired' in lowered or ('certificate expired' in lowered and 'alert' not in lowered):
        return 'TLS: the daemon\'s server certificate has expired (client side rejected it). Renew it.'
    if 'certificate required' in lowered or ('handshake failure' in lowered and not settings.client_cert):
        return ('TLS: the daemon at %s requires a client certificate (--tlsverify) and none was sent '
                '(server side rejected the client). Set client_cert and client_key, or put cert.pem and '
                'key.pem in DOCKER_CERT_PATH or ~/.docker.' % where)
    if not settings.client_cert and ('alert bad certificate' in lowered or 'alert unknown ca' in lowered
                                     or 'alert certificate unknown' in lowered):
        # Go's TLS server answers a missing client certificate with "bad certificate".
        return ('TLS: the daemon at %s requires a client certificate (--tlsverify) and none was sent '
                '(server side rejected the client). Set client_cert and client_key, or put cert.pem and '
                'key.pem in DOCKER_CERT_PATH or ~/.docker.' % where)
    if 'alert unknown ca' in lowered or 'alert bad certificate' in lowered \
            or 'alert certificate unknown' in lowered or 'alert decrypt error' in lowered:
        return ('TLS: the daemon at %s rejected the client certificate %s (server side rejected the client): '
                'it was not issued by the CA the daemon trusts (--tlscacert), or it lacks clientAuth.'
                % (where, settings.client_cert))
    if 'alert certificate expired' in lowered:
        return 'TLS: the daemon rejected the client certificate %s as expired. Renew it.' % settings.client_cert
    if 'key values mismatch' in lowered or 'pem lib' in lowered or 'no start line' in lowered:
        return ('TLS: client_key %s does not match client_cert %s, or one is not a PEM file.'
                % (settings.client_key, settings.client_cert))
    if 'connection reset' in lowered or 'connection aborted' in lowered or 'eof occurred' in lowered \
            or 'unexpected eof' in lowered:
        if not settings.client_cert:
            return ('TLS: the daemon at %s closed the connection during the handshake; it probably requires '
                    'a client certificate (--tlsverify) and none was sent. Set client_cert and client_key.'
                    % where)
        return ('TLS: the daemon at %s closed the connection during the handshake (server side rejected '
                'the client certificate %s?).' % (where, settings.client_cert))
    return 'TLS handshake with %s failed: %s' % (where, lowered.splitlines()[0][:300])


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
        return ipaddress.ip_address(u'%s' % host).is_loopback
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
        body = self._call('GET', '/version', versioned=False).json()
        self.server_version = body
        self._api_version = negotiate_api_version(body.get('ApiVersion', ''), body.get('MinAPIVersion'))

    def version(self):
        """The daemon's /version body (fetched once per client)."""
        if self.server_version is None:
            if self._api_version is None:
                self._negotiate()
            else:
                self.server_version = self.get_json('/version')
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
        except requests.exceptions.RequestException as exc:
            raise EngineConnectionError(explain_connection_error(exc, self.settings))
        except OSError as exc:  # ssl.SSLError is an OSError
            raise EngineConnectionError(explain_connection_error(exc, self.settings))
        except (ValueError, OverflowError) as exc:
            # Inputs the HTTP stack cannot even send (a URL it cannot build, a timeout it cannot hold).
            raise EngineConnectionError('The request to %s could not be sent (%s): check docker_host and timeout.'
                                        % (self.settings.docker_host, exc))
        # 304 is the engine's "Not Modified" (start of a running container, stop of a stopped one): an
        # answer, not a redirect.
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
        if response.status_code == 400 and 'http request to an https server' in (explanation or '').lower():
            message = ('The Docker daemon at %s speaks TLS: set validate_certs: true with ca_path, client_cert '
                       'and client_key (or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH).' % self.settings.docker_host)
        elif response.status_code == 400 and 'client version' in (explanation or '').lower():
            message = ('The Docker engine refused the API version: %s. Set api_version to a version it '
                       'accepts, or leave it at auto.' % explanation)
        else:
            message = 'Docker engine: %s (HTTP %d on %s %s)' % (explanation, response.status_code,
                                                                method, path.split('?')[0])
        cls = {404: NotFound, 409: Conflict}.get(response.status_code, EngineAPIError)
        raise cls(message, status=response.status_code, explanation=explanation)

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
            raise EngineConnectionError(explain_connection_error(exc, self.settings))
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

    def ping(self):
        """GET /_ping (unversioned): True when the daemon answers OK."""
        return self._call('GET', '/_ping', versioned=False).text.strip() == 'OK'

    def close(self):
        self._session.close()


def filters_param(filters):
    """Encode a filters dict the way the Engine API wants it: {"key": ["v1", "v2"]} as JSON.

    Values may be a string, a bool, a number or a list of those; a dict value ("label":
    {"a": "b"}) becomes ["a=b"] as the CLI's --filter label=a=b does.
    """
    if not filters:
        return None
    encoded = {}
    for key, value in filters.items():
        if isinstance(value, dict):
            items = ['%s=%s' % (k, v) if v is not None else str(k) for k, v in value.items()]
        elif isinstance(value, (list, tuple)):
            items = [_filter_scalar(v) for v in value]
        else:
            items = [_filter_scalar(value)]
        encoded[str(key)] = items
    return json.dumps(encoded, sort_keys=True)


def list_params(include_all, filters):
    """Query parameters of the list endpoints (/containers/json, /images/json): all and filters."""
    query = {'all': '1' if include_all else '0'}
    encoded = filters_param(filters)
    if encoded:
        query['filters'] = encoded
    return query


def _filter_scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)
