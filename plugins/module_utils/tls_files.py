# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Install a set of small files - certificates, keys, environment files - into one directory.

What ``ansible.builtin.file`` plus one ``ansible.builtin.copy`` per file do, in one pass: the
directory made or corrected, each file compared by content, mode and owner, replaced atomically
(owner and mode set before it appears), the old one kept as a backup when asked. A diff names
digests, never content; a private key may not be made readable by group or others. Plain Python.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import stat
import time

from ansible_collections.tprov.docker.plugins.module_utils.atomic_files import DirectoryLock, write_atomic

PRIVATE_KEY_MARK = b'PRIVATE KEY-----'


class FilesError(Exception):
    """Bad input or a failed write; the message names the option."""


def parse_mode(value, option):
    """A permission mode from an octal string ('0600', '600') or an int (0o600); errors name the option."""
    if isinstance(value, bool):
        raise FilesError('%s: %r is not a mode; write it as an octal string such as \'0600\'.' % (option, value))
    if isinstance(value, int):
        mode = value
    elif isinstance(value, str) and value.strip().isdigit() and set(value.strip()) <= set('01234567'):
        mode = int(value.strip(), 8)
    else:
        raise FilesError('%s: %r is not a mode; write it as an octal string such as \'0600\'.' % (option, value))
    if not 0 <= mode <= 0o7777:
        raise FilesError('%s: %r is out of range; a mode is 0000 to 7777 (octal).' % (option, value))
    return mode


def resolve_owner(owner, group):
    """(uid, gid) for names or numbers; -1 for one not given. Errors name the option."""
    import grp
    import pwd
    uid = gid = -1
    if owner not in (None, ''):
        try:
            uid = int(owner) if str(owner).isdigit() else pwd.getpwnam(str(owner)).pw_uid
        except KeyError:
            raise FilesError('owner: there is no user %r on this host.' % (owner,))
    if group not in (None, ''):
        try:
            gid = int(group) if str(group).isdigit() else grp.getgrnam(str(group)).gr_gid
        except KeyError:
            raise FilesError('group: there is no group %r on this host.' % (group,))
    return uid, gid


class FileEntry(object):
    """One file to install: checked before anything is written."""

    def __init__(self, index, name, content, mode):
        option = 'files[%d]' % index
        if not isinstance(name, str) or not name or '/' in name or name in ('.', '..') or '\0' in name:
            raise FilesError('%s.name: %r is not a plain file name (no "/"); the file goes into dest.' % (option, name))
        if content is None:
            raise FilesError('%s (%s): give content, or src for a file on the controller.' % (option, name))
        self.name = name
        self.content = content.encode('utf-8') if isinstance(content, str) else bytes(content)
        self.mode = parse_mode(mode, '%s.mode' % option)
        if PRIVATE_KEY_MARK in self.content and self.mode & 0o077:
            raise FilesError('%s.mode: %s holds a private key; %04o would let group or others read it. Use 0600 or '
                             '0400.' % (option, name, self.mode))


def _read(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except IOError:
        return None


def fingerprint(content, mode):
    """What a diff shows of a file: its SHA-256 and mode, and whether it holds a private key."""
    import hashlib
    kind = 'private key, ' if PRIVATE_KEY_MARK in content else ''
    return '%ssha256 %s, mode %04o\n' % (kind, hashlib.sha256(content).hexdigest(), mode)


class FileInstaller(object):
    """Decide and carry out the installation of ``entries`` into ``dest``."""

    def __init__(self, dest, entries, dir_mode=0o700, owner=None, group=None, backup=False, check_mode=False):
        if not dest or not os.path.isabs(dest):
            raise FilesError('dest: %r is not an absolute directory path.' % (dest,))
        names = [e.name for e in entries]
        twice = sorted(n for n in set(names) if names.count(n) > 1)
        if twice:
            raise FilesError('files: a name is listed twice (%s).' % ', '.join(twice))
        parent = os.path.dirname(dest.rstrip('/')) or '/'
        if not os.path.isdir(parent):
            raise FilesError('dest: the parent directory %s does not exist.' % parent)
        if os.path.exists(dest) and not os.path.isdir(dest):
            raise FilesError('dest: %s exists and is not a directory.' % dest)
        self.dest = dest
        self.entries = entries
        self.dir_mode = dir_mode
        self.uid, self.gid = resolve_owner(owner, group)
        self.backup = backup
        self.check_mode = check_mode

    def _attrs_differ(self, path, mode):
        st = os.lstat(path)
        return (stat.S_IMODE(st.st_mode) != mode or (self.uid != -1 and st.st_uid != self.uid)
                or (self.gid != -1 and st.st_gid != self.gid))

    @staticmethod
    def _mode_of(path):
        return stat.S_IMODE(os.lstat(path).st_mode)

    def _ensure_dir(self):
        if not os.path.isdir(self.dest):
            if not self.check_mode:
                os.mkdir(self.dest, self.dir_mode)
                os.chown(self.dest, self.uid, self.gid)
                os.chmod(self.dest, self.dir_mode)  # mkdir's mode is cut by the umask
            return True
        if self._attrs_differ(self.dest, self.dir_mode):
            if not self.check_mode:
                os.chown(self.dest, self.uid, self.gid)
                os.chmod(self.dest, self.dir_mode)
            return True
        return False

    def _backup(self, path):
        backup = '%s.%s.tprov-backup' % (path, time.strftime('%Y%m%dT%H%M%S'))
        # copy2 keeps the mode (a key's backup is as closed as the key); the owner is copied too.
        shutil.copy2(path, backup)
        st = os.lstat(path)
        os.chown(backup, st.st_uid, st.st_gid)
        return backup

    def run(self):
        """Result dict: changed, dir_changed, files (per file), backups (restore entries), diff."""
        dir_changed = self._ensure_dir()
        # Two runs on the same directory take turns (a directory not made yet, in check mode: no lock).
        with DirectoryLock(self.dest):
            files, backups, diffs = [], [], []
            for entry in self.entries:
                files.append(self._install(entry, backups, diffs))
        changed = dir_changed or any(f['changed'] for f in files)
        return dict(changed=changed, dir_changed=dir_changed, files=files, backups=backups, diff=diffs)

    def _install(self, entry, backups, diffs):
        path = os.path.join(self.dest, entry.name)
        current = _read(path) if os.path.isfile(path) else None
        result = dict(name=entry.name, path=path, mode='%04o' % entry.mode, changed=False, content_changed=False)
        if current != entry.content:
            result.update(changed=True, content_changed=True)
            backup = None
            if not self.check_mode:
                if self.backup and current is not None:
                    backup = self._backup(path)
                    result['backup_file'] = backup
                write_atomic(path, entry.content, entry.mode, self.uid, self.gid)
            backups.append(dict(path=path, backup=backup))
            # Content is a no_log option (Ansible would mask it in a diff anyway): the diff names the
            # file's digest and mode instead, which shows what changed and reveals nothing.
            diffs.append(dict(before_header=path, after_header=path,
                              before='' if current is None else fingerprint(current, self._mode_of(path)),
                              after=fingerprint(entry.content, entry.mode)))
        elif self._attrs_differ(path, entry.mode):
            result['changed'] = True
            if not self.check_mode:
                os.chown(path, self.uid, self.gid)
                os.chmod(path, entry.mode)
        return result
