# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the PKI's files are and what its names may be, without ``cryptography``.

docker_tls_pki (:mod:`pki`) and the certificates (:mod:`tls_cert`) build on this; so do the roles'
filters (docker_pki_paths, run in nearly every task of the roles) and the host facts record, which
must not import ``cryptography`` for a path: that import was most of a worker's time for a task that
only templates a file name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os


class CertificateError(Exception):
    """Bad input or unusable files; ``str()`` names the option and the fix."""


# Docker's file names, used when only ``dir`` is given.
DOCKER_FILE_NAMES = {
    'ca': ('ca.pem', 'ca-key.pem'),
    'server': ('server-cert.pem', 'server-key.pem'),
    'client': ('cert.pem', 'key.pem'),
}

# Certificates are valid from this long before they are issued: a host whose clock is behind the
# controller's (no NTP yet, a VM resumed) would otherwise refuse a fresh client certificate, and
# its daemon be rolled back. The daemon role names a larger clock difference in its failure message.
BACKDATE = datetime.timedelta(hours=1)

SAFE_NAME_CHARS = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@')


def check_name(name, option):
    """Names become directory names: no separators, no dot-dot."""
    text = str(name or '')
    if not text or text in ('.', '..') or not set(text) <= SAFE_NAME_CHARS:
        raise CertificateError(
            '%s: %r cannot be used as a directory name; use letters, digits, ".", "-", "_" or "@".' % (option, name))
    return text


CLIENT_STATES = ('present', 'absent')


def client_state(client):
    """A clients entry's state: present unless it says absent (revoked)."""
    return client.get('state') or 'present'


def names_in_state(clients, state='present'):
    """The names of the clients entries in that state, in their order (the first present one is the bundle
    the roles connect with)."""
    return [client.get('name') for client in clients or [] if client_state(client) == state]


class PKILayout(object):
    """The files of a PKI directory (see :mod:`pki` for what each holds)."""

    def __init__(self, directory):
        self.directory = directory

    def path(self, *parts):
        return os.path.join(self.directory, *parts)

    def files(self, kind, name=None):
        """(certificate, key) paths of the CA, a host's server certificate or a client bundle."""
        if kind == 'ca':
            return tuple(self.path(file_name) for file_name in DOCKER_FILE_NAMES['ca'])
        if kind == 'ca_previous':  # the CA a rollover replaces, trusted until its last phase
            return self.path('ca-previous.pem'), self.path('ca-previous-key.pem')
        if kind == 'ca_bundle':  # what hosts trust in a rollover's first phase: new + old CA (no key)
            return self.path('ca-bundle.pem'), None
        if kind == 'rollover':  # the rollover's record (no key)
            return self.path('rollover.json'), None
        if kind == 'revoked_ledger':  # the names finished rollovers revoked (no key), 0600
            return self.path('archive', 'revoked.json'), None
        if kind == 'archive':  # where a finished rollover's old CA goes, 0700 / 0600
            return self.path('archive', 'ca-%s.pem' % name), self.path('archive', 'ca-%s-key.pem' % name)
        if kind == 'server':
            return tuple(self.path('hosts', name, file_name) for file_name in DOCKER_FILE_NAMES['server'])
        return tuple(self.path('clients', name, file_name) for file_name in DOCKER_FILE_NAMES['client'])
