# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where and how to reach a Docker daemon, resolved from module options and the environment.

Pure: no HTTP library, no AnsibleModule. :func:`resolve_connection` follows the Docker CLI
(``DOCKER_HOST``, ``DOCKER_TLS``, ``DOCKER_TLS_VERIFY``, ``DOCKER_CERT_PATH``,
``~/.docker/{ca,cert,key}.pem``); :func:`negotiate_api_version` picks the Engine API version
both sides speak.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from urllib.parse import quote

from ansible_collections.tprov.docker.plugins.module_utils.docker_context import context_params
from ansible_collections.tprov.docker.plugins.module_utils.errors import APIVersionError, ConnectionSettingsError

# The oldest Engine API we speak: Debian 12's docker.io 20.10 (and Debian 11's).
MIN_API_VERSION = '1.41'
# The newest Engine API whose request and response shapes this collection knows.
# Newer engines keep serving it (Docker 29 accepts 1.44 and later).
MAX_API_VERSION = '1.47'

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


def split_host_port(hostport, default_port):
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


def without_scheme(docker_host, schemes=('tcp://', 'https://', 'http://')):
    """HOST:PORT of a docker_host given with one of ``schemes`` or none; None for another scheme."""
    for prefix in schemes:
        if docker_host.startswith(prefix):
            return docker_host[len(prefix):].rstrip('/')
    return None if '://' in docker_host else docker_host.rstrip('/')


def resolve_connection(params, environ=None, home=None):
    """Turn the connection options into :class:`ConnectionSettings`.

    Pure: reads ``environ`` (default ``os.environ``) and checks that named files exist, so it
    can be tested without a daemon.  Follows the Docker CLI: TLS material comes from the
    options, else from ``DOCKER_CERT_PATH``, else from ``~/.docker``.
    """
    # docker_context: the host and TLS files come from the Docker CLI's context (docker_context.py).
    params, environ, home = context_params(params, environ, home)
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

    scheme_less = without_scheme(docker_host)
    if scheme_less is None:
        raise ConnectionSettingsError(
            'docker_host %r: unsupported scheme; use unix:///path/to/docker.sock or tcp://HOST:PORT.' % docker_host)
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
        host, port = split_host_port(scheme_less, default_port)
    except ValueError:
        raise ConnectionSettingsError(
            'docker_host %r is not an address: use unix:///path/to/docker.sock or tcp://HOST:PORT.' % docker_host)
    netloc = '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port)
    base_url = ('https://' if use_tls else 'http://') + netloc
    return ConnectionSettings(docker_host, base_url, use_tls=use_tls, verify=verify,
                              ca_path=ca_path, client_cert=client_cert, client_key=client_key,
                              tls_hostname=params.get('tls_hostname'), timeout=timeout,
                              api_version=api_version, host=host, unverified_ok=validate_certs is False)
