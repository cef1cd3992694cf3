# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the roles: a Docker host's server certificate names, and copy results as restore entries."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.errors import AnsibleFilterError


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


def docker_server_sans(inventory_hostname, ansible_host=None, fqdn=None, addresses=None, extra=None):
    """The SANs a client may dial: the inventory name and address, the FQDN, every address of the
    host (link-local ones excepted: they are not reachable by name), loopback, and the extras.
    Order is kept (the first is the certificate's common name) and duplicates are dropped."""
    if extra is not None and not isinstance(extra, (list, tuple)):
        raise AnsibleFilterError('docker_tls_extra_sans must be a list such as ["DNS:docker.example.com", '
                                 '"IP:192.0.2.10"], not %r.' % (extra,))
    candidates = [inventory_hostname, ansible_host]
    if fqdn and fqdn not in ('localhost', 'localhost.localdomain'):
        candidates.append(fqdn)
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


def docker_pki_servers(hosts, hostvars):
    """docker_tls_pki's servers list for the play's hosts, each with the SANs docker_server_sans
    computes from that host's inventory and facts (and its docker_tls_extra_sans)."""
    servers = []
    for host in hosts:
        host_vars = hostvars[host]
        facts = host_vars.get('ansible_facts') or {}
        addresses = list(facts.get('all_ipv4_addresses') or []) + list(facts.get('all_ipv6_addresses') or [])
        servers.append({'name': host, 'subject_alt_names': docker_server_sans(
            host, host_vars.get('ansible_host'), facts.get('fqdn'), addresses,
            host_vars.get('docker_tls_extra_sans') or [])})
    return servers


def docker_copy_backup(result):
    """A changed ansible.builtin.copy result (backup: true) as a docker_daemon_config restore entry:
    the file goes back to its backup, or away if it was new."""
    if not isinstance(result, dict) or not result.get('dest'):
        raise AnsibleFilterError('docker_copy_backup expects a copy result with dest, got %r.' % (result,))
    return {'path': result['dest'], 'backup': result.get('backup_file')}


class FilterModule(object):

    def filters(self):
        return {'docker_server_sans': docker_server_sans, 'docker_pki_servers': docker_pki_servers,
                'docker_copy_backup': docker_copy_backup}
