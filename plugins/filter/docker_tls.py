# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the roles: where the PKI's files are, a Docker host's server certificate names,
certificate backups as restore entries, a note on clock skew, check-certs.yml's table rows (and the
deprecated docker_copy_backup)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os
import re
import time

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import oldest_backups, restore_entry
# Not pki or tls_cert: they import cryptography, and these filters are templated in nearly every task of the roles.
from ansible_collections.tprov.docker.plugins.module_utils.pki_layout import (
    BACKDATE,
    CLIENT_STATES,
    DOCKER_FILE_NAMES,
    CertificateError,
    PKILayout,
    check_name,
    names_in_state,
)

display = Display()


def _entry(value):
    """'IP:...' / 'DNS:...' for a bare name or address; typed entries pass through."""
    text = str(value).strip()
    if text.upper().startswith(('IP:', 'DNS:')):
        kind, rest = text.split(':', 1)
        return '%s:%s' % (kind.upper(), rest.strip())
    try:
        return 'IP:%s' % ipaddress.ip_address(u'%s' % text.strip('[]'))
    except ValueError:
        return 'DNS:%s' % text


# A host name as the FQDN fact may give it: labels of letters, digits, - and _ (internal DNS has them), no
# wildcard, no IP:/DNS: prefix, not an address. The fact is what the host says its name is: root there sets
# it (hostname), and a certificate of the inventory's CA must not carry whatever it claims.
_HOST_NAME = re.compile(r'^(?=.{1,253}\.?$)(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*\.?$')


def fqdn_usable(fqdn):
    """Whether the FQDN fact may become a DNS name of the host's certificate (see _HOST_NAME)."""
    if not isinstance(fqdn, str) or not _HOST_NAME.match(fqdn) or fqdn in ('localhost', 'localhost.localdomain'):
        return False
    try:
        ipaddress.ip_address(u'%s' % fqdn)
    except ValueError:
        return True
    return False


def docker_server_sans(inventory_hostname, ansible_host=None, fqdn=None, addresses=None, extra=None):
    """The SANs clients dial: the inventory name and address, the FQDN, loopback, the extras, and
    the ``addresses`` given (link-local ones excepted: they are not reachable by name).

    The host's interface addresses are deliberately not among them: bridges (docker0, br-*, a
    compose project's network), veths and temporary IPv6 addresses come and go, and each change
    would re-issue the certificate and restart dockerd. Order is kept (the first is the
    certificate's common name) and duplicates are dropped."""
    if extra is not None and not isinstance(extra, (list, tuple)):
        raise AnsibleFilterError('docker_tls_extra_sans must be a list such as ["DNS:docker.example.com", '
                                 '"IP:192.0.2.10"], not %r.' % (extra,))
    candidates = [inventory_hostname, ansible_host]
    if fqdn and fqdn_usable(fqdn):
        candidates.append(fqdn)
    elif fqdn and fqdn not in ('localhost', 'localhost.localdomain'):
        display.warning('%s: the host names itself %r, which is not a plain host name: the certificate leaves it out '
                        '(declare a name in docker_tls_extra_sans if clients dial one).' % (inventory_hostname, fqdn))
    for address in addresses or []:
        try:
            if ipaddress.ip_address(u'%s' % address).is_link_local:
                continue
        except ValueError:
            continue
        candidates.append(address)
    candidates.extend(['127.0.0.1', 'localhost'])
    candidates.extend(extra or [])
    result = []
    for candidate in candidates:
        if candidate is None or str(candidate).strip() == '':
            continue
        entry = _entry(candidate)
        if entry not in result:
            result.append(entry)
    return result


def docker_tls_client_names(clients, state='present'):
    """The names of the docker_tls_clients entries in that state (the pki module's own reading of state)."""
    if state not in CLIENT_STATES:
        raise AnsibleFilterError('docker_tls_client_names: state must be one of %s, not %r.'
                                 % (', '.join(CLIENT_STATES), state))
    return names_in_state(clients, state)


def docker_pki_servers(hosts, hostvars, require_facts=False):
    """docker_tls_pki's servers list for the play's hosts, each with the SANs docker_server_sans
    computes from that host's inventory name, ansible_host, FQDN and docker_tls_extra_sans - not
    from its interface addresses (see docker_server_sans). With ``require_facts``, a host whose facts
    were not read is refused: its certificate would be issued without its FQDN."""
    servers = []
    for host in hosts:
        host_vars = hostvars[host]
        facts = host_vars.get('ansible_facts') or {}
        if require_facts and 'fqdn' not in facts:
            raise AnsibleFilterError(
                'docker_pki_servers: the facts of %s were not read (no ansible_facts.fqdn), so its server certificate '
                'would lack its FQDN. tprov.docker.common\'s tasks/facts.yml reads them first (in secure_docker.yml '
                'tagged always: do not skip the tag always).' % host)
        servers.append({'name': host, 'subject_alt_names': docker_server_sans(
            host, host_vars.get('ansible_host'), facts.get('fqdn'), None,
            host_vars.get('docker_tls_extra_sans') or [])})
    return servers


def docker_pki_paths(pki_dir, host=None, client=None, remote_dir=None):
    """The files of the PKI docker_tls_pki keeps in ``pki_dir`` on the controller, and of the copy the
    pki role installs in ``remote_dir`` on a Docker host, from the layout docker_tls_pki writes (the
    roles never spell a file name of their own).

    Always ``dir`` and ``ca`` (the CA certificate); with ``host``, ``host`` (that host's ``dir``,
    ``cert``, ``key``); with ``client``, ``client`` (the bundle's ``dir``, ``ca``, ``cert``, ``key``);
    with ``remote_dir``, ``remote`` (``dir``, ``ca``, ``cert``, ``key`` on the Docker host)."""
    if not pki_dir or not isinstance(pki_dir, str):
        raise AnsibleFilterError('docker_pki_dir must be a directory path on the controller, not %r.' % (pki_dir,))
    layout = PKILayout(pki_dir)
    paths = {'dir': pki_dir, 'ca': layout.files('ca')[0]}
    for role, kind, value, option in (('host', 'server', host, 'inventory_hostname'),
                                      ('client', 'client', client, 'the client name (docker_tls_clients)')):
        if value is None:
            continue
        try:
            name = check_name(value, option)
        except CertificateError as exc:
            raise AnsibleFilterError(str(exc))
        cert, key = layout.files(kind, name)
        paths[role] = {'dir': os.path.dirname(cert), 'cert': cert, 'key': key}
    if 'client' in paths:
        # A client bundle carries the CA certificate beside its own, as ~/.docker wants it.
        paths['client']['ca'] = os.path.join(paths['client']['dir'], DOCKER_FILE_NAMES['ca'][0])
    if remote_dir:
        cert_name, key_name = DOCKER_FILE_NAMES['server']
        paths['remote'] = {'dir': remote_dir, 'ca': os.path.join(remote_dir, DOCKER_FILE_NAMES['ca'][0]),
                           'cert': os.path.join(remote_dir, cert_name), 'key': os.path.join(remote_dir, key_name)}
    return paths


def docker_copy_backup(result):
    """Deprecated (meta/runtime.yml; removal in 1.0.0): a copy result (dest, backup_file) as a restore
    entry. docker_daemon_config's restore takes the copy result as it is."""
    if not isinstance(result, dict) or not result.get('dest'):
        raise AnsibleFilterError('docker_copy_backup expects a copy result with dest, got %r.' % (result,))
    return dict(zip(('path', 'backup'), restore_entry(result)))


def docker_backup_restore_entries(backup_paths):
    """docker_tls_files backups found on the host as restore entries (file_transaction.oldest_backups)."""
    return oldest_backups(backup_paths)


def docker_clock_skew_note(host_epoch, controller_epoch=None):
    """A sentence for the daemon role's failure message when the host's clock (seconds since the
    epoch, e.g. `date +%s` on the host) and the controller's differ by more than certificates are
    back-dated; '' otherwise (or when the host's clock could not be read)."""
    try:
        host = float(str(host_epoch).strip())
    except ValueError:
        return ''
    controller = time.time() if controller_epoch is None else float(controller_epoch)
    skew = controller - host
    tolerance = BACKDATE.total_seconds()
    if abs(skew) <= tolerance:
        return ''
    amount = '%d h %02d min' % (abs(skew) // 3600, abs(skew) % 3600 // 60)
    if skew > 0:
        return ('The host\'s clock is %s behind the controller\'s: certificates are valid from %d minutes before '
                'they are issued, so the daemon refuses the new ones as not yet valid. Synchronise the host\'s '
                'clock (NTP, e.g. systemd-timesyncd or chrony) and run again.' % (amount, tolerance // 60))
    return ('The host\'s clock is %s ahead of the controller\'s (more than the %d minutes certificates are '
            'back-dated): synchronise the clocks (NTP) of the host and the controller.' % (amount, tolerance // 60))


CERT_TABLE_COLUMNS = (('host', 'host'), ('what', 'what'), ('subject', 'subject'), ('not_after', 'not_after'),
                      ('days_left', 'days left'), ('problem', 'problem'))


def docker_cert_check(result, host, what=None, client=False, require_client_cert=True):
    """One row of playbooks/check-certs.yml's table from a docker_tls_info result (registered with
    failed_when: false): the certificate's subject, end, days left, and its problems ('' when none).

    ``client``: the row is about the client bundle the run presented (its facts are the result's
    client_certificate; the daemon must accept it). Otherwise it is about the served certificate, which
    must be the file on disk, and (``require_client_cert``) the daemon must refuse a client without one.
    ``what`` defaults to 'served', or 'client NAME' (the directory of the client_cert the run was given)."""
    if not isinstance(result, dict):
        raise AnsibleFilterError('docker_cert_check expects a registered docker_tls_info result, not %r.' % (result,))
    if what is None:
        client_cert = ((result.get('invocation') or {}).get('module_args') or {}).get('client_cert')
        what = 'client %s' % os.path.basename(os.path.dirname(client_cert)) if client and client_cert else \
            'client' if client else 'served'
    row = dict(host=host, what=what, subject='', not_after='', days_left='', problem='')
    if result.get('error_kind') or result.get('skipped'):
        row['problem'] = 'not read: %s (%s)' % (result.get('msg', 'skipped'), result.get('error_kind', 'skipped'))
        return row
    facts = (result.get('client_certificate') or {}) if client else result
    row.update(subject=facts.get('subject', ''), not_after=facts.get('not_after', ''),
               days_left=facts.get('days_left', ''))
    problems = []
    if facts.get('expired'):
        problems.append('expired')
    elif facts.get('expiring'):
        problems.append('expires in %s days (docker_pki_warn_days: %s)'
                        % (facts.get('days_left'), result.get('warn_days')))
    if facts.get('not_yet_valid'):
        problems.append('not valid before %s' % facts.get('not_before'))
    if facts.get('chains_to_ca') is False:
        problems.append('not issued by the current CA (issuer %s)' % facts.get('issuer'))
    if client and result.get('handshake') is False:
        problems.append('refused by the daemon (%s)' % result.get('handshake_error_kind'))
    if not client and result.get('matches_file') is False:
        problems.append('differs from the certificate on disk (fingerprint %s)' % result.get('fingerprint_sha256'))
    if not client and require_client_cert and result.get('handshake') is True:
        problems.append('accepts a client without a certificate')
    row['problem'] = '; '.join(problems)
    return row


def docker_cert_table(rows):
    """check-certs.yml's rows as lines of a table (host, what, subject, not_after, days left, problem), for a
    message: a header, then one line per row, each column as wide as its longest value."""
    rows = list(rows or [])
    widths = [max([len(title)] + [len(str(r.get(key, ''))) for r in rows]) for key, title in CERT_TABLE_COLUMNS]
    lines = []
    cells = [[str(r.get(key, '')) for key, _title in CERT_TABLE_COLUMNS] for r in rows]
    for values in [[title for _key, title in CERT_TABLE_COLUMNS]] + cells:
        lines.append('  '.join(v.ljust(w) for v, w in zip(values, widths)).rstrip())
    return lines


class FilterModule(object):

    def filters(self):
        return {'docker_server_sans': docker_server_sans, 'docker_pki_servers': docker_pki_servers,
                'docker_pki_paths': docker_pki_paths,
                'docker_backup_restore_entries': docker_backup_restore_entries,
                'docker_copy_backup': docker_copy_backup,
                'docker_clock_skew_note': docker_clock_skew_note,
                'docker_cert_check': docker_cert_check, 'docker_cert_table': docker_cert_table,
                'docker_tls_client_names': docker_tls_client_names}
