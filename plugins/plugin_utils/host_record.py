# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The record, on the controller, of the facts the roles read about a Docker host (its FQDN, distro family
and Python) and of the identity the host last reported (module_utils/host_identity.py).

A re-run takes the facts from here instead of gathering them on the host (docker_host_facts), and the
host's one module run (docker_daemon_config) checks the identity before it writes anything: a host that was
renamed or reinstalled fails that run with ``host_changed``, and the daemon role gathers again. The layout
(one JSON file per inventory host in a directory of the controller user) is defined here only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import hashlib
import json
import os
import stat

from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import (
    only_root_or_we_can_write, read_fd, write_atomic_at)
from ansible_collections.tprov.docker.plugins.module_utils.pki_layout import CertificateError, check_name

RECORD_VERSION = 1
# The facts recorded, as setup returns them; a record missing one is gathered again.
RECORDED_FACTS = ('fqdn', 'os_family', 'python')
# A record is a few hundred bytes; anything far larger is not one.
MAX_RECORD_SIZE = 64 * 1024


class RecordError(Exception):
    """The record cannot be read or written; the text names the file and the fix."""


def record_path(directory, host):
    """The record of inventory host ``host`` in ``directory`` (docker_host_facts_dir). A name that cannot be a
    file name as it is (an IPv6 address, a slash) is recorded under a digest of it."""
    if not directory or not isinstance(directory, str):
        raise RecordError('docker_host_facts_dir must be a directory path on the controller, not %r.' % (directory,))
    text = str(host or '')
    try:
        name = check_name(text, 'inventory_hostname')
    except CertificateError:
        name = 'host-' + hashlib.sha256(text.encode('utf-8', 'surrogateescape')).hexdigest()[:32]
    return os.path.join(directory, name + '.json')


def _check_trusted(path, st, what):
    # The record decides the certificate's names and the daemon's paths: only one nobody else could have
    # written counts (as ssh's StrictModes), in a directory nobody else can write to.
    if not only_root_or_we_can_write(st):
        raise RecordError(
            'The host facts %s %s is owned by uid %d with mode %04o: only one of this user (or root) that no other '
            'user can write is trusted. Remove it (the next run gathers the facts again), or point '
            'docker_host_facts_dir at a directory of your own.' % (what, path, st.st_uid, stat.S_IMODE(st.st_mode)))


def _open_directory(directory, create=False):
    """An fd of the records' directory, checked as trusted through that very fd (no swap between the check
    and the use). With create, missing directories are made 0700 one by one - a parent too, such as a new
    docker_pki_dir, which must never appear with the umask's mode."""
    if create:
        missing = []
        current = os.path.abspath(directory)
        while not os.path.lexists(current):
            missing.append(current)
            current = os.path.dirname(current)
        for path in reversed(missing):
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:
                pass
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RecordError('Cannot open the host facts directory %s: %s. Check docker_host_facts_dir.'
                          % (directory, exc.strerror))
    try:
        _check_trusted(directory, os.fstat(fd), 'directory')
    except BaseException:
        os.close(fd)
        raise
    return fd


def load(path):
    """The record at path as a dict, or None when there is none or it is not a whole record of this version
    (gathered again and rewritten). A symlink, a non-regular file, and a record or directory another user
    owns or could write are refused, not followed."""
    dir_fd = _open_directory(os.path.dirname(path))
    if dir_fd is None:
        return None
    try:
        try:
            fd = os.open(os.path.basename(path), os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK,
                         dir_fd=dir_fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise RecordError('%s is a symlink; the host facts record is never followed. Remove it.' % path)
            raise RecordError('Cannot read the host facts record %s: %s' % (path, exc.strerror))
    finally:
        os.close(dir_fd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise RecordError('%s is not a regular file. Remove it; the next run writes it again.' % path)
        _check_trusted(path, st, 'record')
        content = read_fd(fd, MAX_RECORD_SIZE)
    finally:
        os.close(fd)
    try:
        record = json.loads(content.decode('utf-8')) if content is not None else None
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get('version') != RECORD_VERSION:
        return None
    facts = record.get('facts')
    if not isinstance(facts, dict) or any(facts.get(name) in (None, '', {}) for name in RECORDED_FACTS):
        return None
    if not isinstance(facts['python'], dict) or not facts['python'].get('executable'):
        return None
    identity = record.get('identity')
    record['identity'] = identity if isinstance(identity, dict) else {}
    return record


def new_record(facts):
    """A record of the facts setup gathered (only RECORDED_FACTS; python only its executable and version)."""
    kept = dict((name, facts.get(name)) for name in RECORDED_FACTS)
    python = facts.get('python') if isinstance(facts.get('python'), dict) else {}
    kept['python'] = dict((key, python.get(key)) for key in ('executable', 'version') if key in python)
    return {'version': RECORD_VERSION, 'facts': kept, 'identity': {}}


def save(path, record):
    """Write the record atomically (0600) in its directory, made 0700 when missing and refused when another
    user could write to it; a rename replaces whatever is at path, a symlink included, never writing through it."""
    try:
        dir_fd = _open_directory(os.path.dirname(path), create=True)
        if dir_fd is None:
            raise RecordError('Cannot make the host facts directory %s (a dangling symlink?). Check '
                              'docker_host_facts_dir.' % os.path.dirname(path))
        try:
            write_atomic_at(dir_fd, os.path.basename(path),
                            (json.dumps(record, indent=1, sort_keys=True) + '\n').encode('utf-8'), 0o600)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise RecordError('Cannot write the host facts record %s: %s. Check docker_host_facts_dir.'
                          % (path, exc.strerror or exc))
