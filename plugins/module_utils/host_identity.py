# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a Docker host is, as the roles' recorded facts assume it: its FQDN (the name the server certificate
carries), its Python and its os-release (which decides the distro family's paths).

docker_daemon_config returns it on every run and, given the identity recorded on the controller, refuses to
write anything on a host that no longer matches it (``host_changed``): the facts the run was planned with
would be stale. Cheap on purpose: no Ansible fact collector, one small file read."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import sys

# docker_host_facts' options: checked by its action on the controller and by the module on the host.
HOST_FACTS_ARGUMENT_SPEC = dict(dir=dict(type='path', required=True), refresh=dict(type='bool', default=False))

# os-release(5): /etc first, then the vendor's copy.
OS_RELEASE_PATHS = ('/etc/os-release', '/usr/lib/os-release')
IDENTITY_KEYS = ('fqdn', 'python', 'os_release_id', 'os_release_version_id')


def parse_os_release(text):
    """The KEY=value assignments of an os-release file (values unquoted, as os-release(5) writes them)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#') or '=' not in line:
            continue
        key, value = line.split('=', 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
            value = value[1:-1].replace('\\"', '"').replace('\\\\', '\\')
        values[key.strip()] = value
    return values


def read_os_release(paths=OS_RELEASE_PATHS):
    for path in paths:
        try:
            with open(path, encoding='utf-8', errors='replace') as handle:
                return parse_os_release(handle.read(64 * 1024))
        except OSError:
            continue
    return {}


def current_identity(os_release=None):
    """This host's identity; the FQDN as Ansible's platform facts compute it (socket.getfqdn()). The Python
    resolved: the path it was started by differs between a module's process and the in-process path."""
    release = read_os_release() if os_release is None else os_release
    return {'fqdn': socket.getfqdn(), 'python': os.path.realpath(sys.executable),
            'os_release_id': release.get('ID', ''), 'os_release_version_id': release.get('VERSION_ID', '')}


# The distro family (ansible_facts.os_family) of the os-release IDs whose family is not in doubt (Ansible's
# OS_FAMILY_MAP, module_utils/facts/system/distribution.py; ansible-core before 2.19 named LMDE's family LMDE,
# not Debian). Any other ID is left to Ansible's own collector (ansible.builtin.setup), never guessed from ID_LIKE.
OS_FAMILY_BY_ID = {
    'debian': 'Debian', 'ubuntu': 'Debian', 'raspbian': 'Debian', 'linuxmint': 'Debian', 'devuan': 'Debian',
    'kali': 'Debian', 'pop': 'Debian', 'neon': 'Debian', 'parrot': 'Debian',
    'rhel': 'RedHat', 'centos': 'RedHat', 'fedora': 'RedHat', 'rocky': 'RedHat', 'almalinux': 'RedHat',
    'ol': 'RedHat', 'amzn': 'RedHat', 'eurolinux': 'RedHat', 'scientific': 'RedHat', 'cloudlinux': 'RedHat',
    'virtuozzo': 'RedHat',
}


def python_facts():
    """ansible_facts.python as Ansible's python collector gives it."""
    info = sys.version_info
    return {'version': {'major': info[0], 'minor': info[1], 'micro': info[2], 'releaselevel': info[3],
                        'serial': info[4]},
            'version_info': list(info), 'executable': sys.executable, 'has_sslcontext': True,
            'type': sys.implementation.name}


def host_facts(os_release=None):
    """What docker_host_facts returns from the host: the facts the roles read, named as setup names them
    (ansible_os_family only for a known os-release ID), and the host's identity."""
    release = read_os_release() if os_release is None else os_release
    identity = current_identity(release)
    facts = {'ansible_fqdn': identity['fqdn'], 'ansible_python': python_facts()}
    family = OS_FAMILY_BY_ID.get(release.get('ID', ''))
    if family:
        facts['ansible_os_family'] = family
    return {'changed': False, 'ansible_facts': facts, 'host_identity': identity}


def differences(expected, actual):
    """Each recorded identity key whose value differs on the host, as 'key: recorded -> now'. Keys the
    record lacks are not compared (a record written before the host reported its os-release)."""
    found = []
    for key in IDENTITY_KEYS:
        if key in (expected or {}) and expected[key] is not None and expected[key] != actual.get(key):
            found.append('%s: %s -> %s' % (key, expected[key], actual.get(key)))
    return found
