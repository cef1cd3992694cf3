# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_tls_info's backend: what a TLS endpoint serves, judged against a CA and a file.

:func:`tls_info` reads the served certificate (tls_probe), and returns its facts (tls_cert's
certificate_facts), days left, whether it was issued by the expected CA, whether it is the file
given, and whether the server accepted the client. Failures are EngineErrors with a kind
(errors.py); the kinds of connection failures are diagnosis.py's.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os

from ansible_collections.tprov.docker.plugins.module_utils import tls_cert, tls_probe
from ansible_collections.tprov.docker.plugins.module_utils.connection import (
    ConnectionSettings, split_host_port, without_scheme)
from ansible_collections.tprov.docker.plugins.module_utils.diagnosis import explain_connection_error
from ansible_collections.tprov.docker.plugins.module_utils.docker_context import context_params
from ansible_collections.tprov.docker.plugins.module_utils.errors import (
    ConnectionSettingsError, EngineConnectionError, InvalidOption)
from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import read_file

DEFAULT_PORT = 2376
DEFAULT_TIMEOUT = 10
DEFAULT_WARN_DAYS = 30
SECONDS_PER_DAY = 86400


def resolve_target(params):
    """ConnectionSettings for the TLS endpoint: a tcp:// (or https://) docker_host, files that exist.

    Unlike the Engine API modules, nothing is taken from DOCKER_CERT_PATH or ~/.docker: the client
    certificate presented is the one named, or none (a run without a client bundle is a use)."""
    # A Docker CLI context names the endpoint and its files (docker_context.py); options given still win.
    params = context_params(params)[0]
    docker_host = (params.get('docker_host') or '').strip()
    if not docker_host:
        raise ConnectionSettingsError('docker_host is required: the TLS endpoint, as tcp://HOST:PORT '
                                      '(or set DOCKER_HOST).')
    scheme_less = without_scheme(docker_host, ('tcp://', 'https://'))
    if scheme_less is None:
        raise ConnectionSettingsError(
            'docker_host %r: docker_tls_info reads a TLS endpoint; use tcp://HOST:PORT (a unix socket or '
            'plaintext http:// serves no certificate).' % docker_host)
    try:
        host, port = split_host_port(scheme_less, DEFAULT_PORT)
    except ValueError:
        raise ConnectionSettingsError('docker_host %r is not an address: use tcp://HOST:PORT.' % docker_host)
    client_cert, client_key = params.get('client_cert'), params.get('client_key')
    if bool(client_cert) != bool(client_key):
        raise ConnectionSettingsError('client_cert and client_key go together: set both, or neither to connect '
                                      'without a client certificate.')
    for option in ('ca_path', 'expected_ca_path', 'expected_cert_path', 'client_cert', 'client_key'):
        if params.get(option) and not os.path.isfile(params[option]):
            raise ConnectionSettingsError('%s: no file at %s. Point %s at the PEM file.'
                                          % (option, params[option], option))
    if params.get('validate_certs') and not params.get('ca_path'):
        raise ConnectionSettingsError('validate_certs needs ca_path, the CA the served certificate must be issued by '
                                      '(or leave validate_certs off to read the certificate whoever issued it).')
    timeout = DEFAULT_TIMEOUT if params.get('timeout') is None else params['timeout']
    if not 0 < timeout <= 86400:
        raise ConnectionSettingsError('timeout must be a number of seconds between 1 and 86400, not %s.' % timeout)
    netloc = '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port)
    return ConnectionSettings(docker_host, 'https://' + netloc, use_tls=True, verify=bool(params.get('validate_certs')),
                              ca_path=params.get('ca_path'), client_cert=client_cert, client_key=client_key,
                              tls_hostname=params.get('tls_hostname'), timeout=timeout, host=host)


def load_certificates(path, option):
    """Every certificate of a PEM file (a CA bundle holds several); the message names the option."""
    try:
        certs = tls_cert.x509.load_pem_x509_certificates(read_file(path))
    except (OSError, ValueError) as exc:
        raise InvalidOption('%s: %s holds no PEM certificate (%s).' % (option, path, str(exc).splitlines()[0]))
    return certs


def name_matches(cert, name):
    """Whether the certificate's subject alternative names carry name (an IP address, or a DNS name, with a
    wildcard allowed as the whole first label), as the Docker CLI checks it; the common name is ignored."""
    sans = tls_cert.cert_sans(cert)
    try:
        address = ipaddress.ip_address(name.strip('[]'))
    except ValueError:
        address = None
    if address is not None:
        return any(isinstance(n, tls_cert.x509.IPAddress) and n.value == address for n in sans)
    wanted = name.rstrip('.').lower()
    for entry in sans:
        if not isinstance(entry, tls_cert.x509.DNSName):
            continue
        pattern = entry.value.rstrip('.').lower()
        if pattern == wanted:
            return True
        if pattern.startswith('*.') and '.' in wanted and wanted.split('.', 1)[1] == pattern[2:]:
            return True
    return False


def certificate_report(cert, now, warn_days, cas=None):
    """The facts of cert (tls_cert.certificate_facts) with its days left, whether it is expired or expires
    within warn_days, and whether one of cas issued it (None when no CA is given)."""
    facts = tls_cert.certificate_facts(cert)
    left = tls_cert.not_after(cert) - now
    # Whole days, rounded down: a certificate that ends in 10 days and an hour has 10 left; an expired
    # one has a negative number.
    days_left = int(left.total_seconds() // SECONDS_PER_DAY)
    facts.update(days_left=days_left, expired=left.total_seconds() <= 0, expiring=days_left < warn_days,
                 not_yet_valid=tls_cert.not_before(cert) > now,
                 chains_to_ca=None if cas is None else tls_cert.issued_by(cert, cas))
    return facts


def tls_info(params, now=None):
    """The module's result: the served certificate's facts, judged; raises EngineError with a kind."""
    settings = resolve_target(params)
    warn_days = DEFAULT_WARN_DAYS if params.get('warn_days') is None else params['warn_days']
    now = now or tls_cert.utcnow()
    expected_ca = params.get('expected_ca_path') or params.get('ca_path')
    cas = load_certificates(expected_ca, 'expected_ca_path' if params.get('expected_ca_path') else 'ca_path') \
        if expected_ca else None
    trusted = load_certificates(settings.ca_path, 'ca_path') if settings.ca_path else None
    on_disk = load_certificates(params['expected_cert_path'], 'expected_cert_path')[0] \
        if params.get('expected_cert_path') else None
    client = load_certificates(settings.client_cert, 'client_cert')[0] if settings.client_cert else None
    try:
        context = tls_probe.client_context(settings.client_cert, settings.client_key)
    except (OSError, ValueError) as exc:
        raise EngineConnectionError(explain_connection_error(exc, settings)[1], kind='tls_key_mismatch')
    name = settings.tls_hostname or settings.host
    sni = None if _is_address(name) else name
    served = tls_probe.read_served(settings.host, int(settings.base_url.rsplit(':', 1)[1]), timeout=settings.timeout,
                                   context=context, server_hostname=sni, confirm=True)
    address = settings.base_url.split('://', 1)[1]
    if served.der is None:
        kind, message = explain_connection_error(served.error, settings)
        if kind == 'tls_no_client_cert':
            message += (' Its certificate could not be read either: a server limited to TLS 1.2 refuses a client '
                        'without a certificate before the client sees it; give client_cert and client_key.')
        raise EngineConnectionError(message, kind=kind).with_details(address=address)
    cert = tls_cert.x509.load_der_x509_certificate(served.der)
    result = dict(changed=False, address=address, tls_version=served.tls_version, handshake=served.handshake,
                  handshake_error_kind=None, handshake_error=None, name_checked=name,
                  name_matches=name_matches(cert, name),
                  matches_file=None if on_disk is None
                  else tls_cert.fingerprint_sha256(on_disk) == tls_cert.fingerprint_sha256(cert),
                  client_certificate=None if client is None else certificate_report(client, now, warn_days, cas),
                  warn_days=warn_days)
    result.update(certificate_report(cert, now, warn_days, cas))
    if served.refusal is not None:
        result['handshake_error_kind'], result['handshake_error'] = explain_connection_error(served.refusal, settings)
    if params.get('validate_certs'):
        check_verified(result, cert, trusted, settings)
    return result


def _is_address(name):
    try:
        ipaddress.ip_address(name.strip('[]'))
        return True
    except ValueError:
        return False


def check_verified(result, cert, trusted, settings):
    """With validate_certs: fail, with the facts, as the Docker CLI's --tlsverify would refuse the server."""
    failure = None
    if not tls_cert.issued_by(cert, trusted):
        failure = ('tls_unknown_ca', 'TLS: the certificate served at %s (issuer %s) was not issued by the CA in '
                                     'ca_path (%s).' % (result['address'], result['issuer'], settings.ca_path))
    elif not result['name_matches']:
        failure = ('tls_name_mismatch', 'TLS: the certificate served at %s does not list %s in its subject '
                                        'alternative names (%s).' % (result['address'], result['name_checked'],
                                                                     ', '.join(result['subject_alt_names'])))
    elif result['expired'] or result['not_yet_valid']:
        failure = ('tls_server_expired', 'TLS: the certificate served at %s is outside its validity (%s to %s).'
                   % (result['address'], result['not_before'], result['not_after']))
    if failure:
        raise EngineConnectionError(failure[1], kind=failure[0]).with_details(
            **dict((k, v) for k, v in result.items() if k != 'changed'))
