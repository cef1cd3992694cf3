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

import errno
import os
import stat

from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import (
    MAX_FILE_SIZE, LockTimeout, RollbackIncomplete, back_up, lock_directory, only_root_or_we_can_write, parse_backup_name,
    read_fd, restore_files, write_atomic_at)
from ansible_collections.tprov.docker.plugins.module_utils.redaction import keyed_digest

PRIVATE_KEY_MARK = b'PRIVATE KEY-----'


def file_set_spec():
    """The argument spec of a set of files into one directory: docker_tls_files' options, and
    docker_daemon_config's tls_files (which always keeps backups: its rollback needs them)."""
    return dict(
        dest=dict(type='path', required=True),
        files=dict(type='list', elements='dict', required=True, options=dict(
            name=dict(type='str', required=True),
            src=dict(type='path'),
            content=dict(type='str', no_log=True),
            mode=dict(type='raw', default='0600'),
        ), mutually_exclusive=[('src', 'content')], required_one_of=[('src', 'content')]),
        dir_mode=dict(type='raw', default='0700'),
        owner=dict(type='str'),
        group=dict(type='str'),
    )


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


def fingerprint(content, mode):
    """What a diff shows of a file: a digest keyed per run (a change shows as a different digest, and
    short content cannot be found by hashing guesses), its mode, and whether it holds a private key."""
    kind = 'private key, ' if PRIVATE_KEY_MARK in content else ''
    return '%skeyed sha256 %s, mode %04o\n' % (kind, keyed_digest(content), mode)


def _open_nofollow(path, dir_fd, flags):
    """fd of name path in dir_fd, opened without following a symlink; None when there is nothing there."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    except FileNotFoundError:
        return None


def open_directory(path, _depth=0):
    """fd of the directory path, reached from / one component at a time (openat), following a symlink
    only where root alone could have planted it (in a directory owned by root that no one else may
    write): /var/run -> /run is followed, a link in a user's home is refused. FilesError names it;
    None when path does not exist."""
    if _depth > 20:
        raise FilesError('dest: too many levels of symbolic links resolving %s.' % path)
    parts = [part for part in path.split('/') if part not in ('', '.')]
    fd = os.open('/', os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    real = '/'
    try:
        for index, part in enumerate(parts):
            if part == '..':
                real = os.path.dirname(real.rstrip('/')) or '/'
                nfd = os.open(real, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
                os.close(fd)
                fd = nfd
                continue
            try:
                st = os.stat(part, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                return None
            here = os.path.join(real, part)
            if stat.S_ISLNK(st.st_mode):
                if not only_root_or_we_can_write(os.fstat(fd)):
                    raise FilesError('dest: %s is a symbolic link in %s, which a user other than root%s can write '
                                     '(and so could have planted it); refusing to follow it. Give the real path.'
                                     % (here, real, '' if os.geteuid() == 0 else ' and you'))
                target = os.readlink(part, dir_fd=fd)
                rest = '/'.join(parts[index + 1:])
                os.close(fd)
                fd = None
                return open_directory(os.path.join(real, target, rest), _depth + 1)
            if not stat.S_ISDIR(st.st_mode):
                raise FilesError('dest: %s exists and is not a directory.' % here)
            nfd = _open_nofollow(part, fd, os.O_RDONLY | os.O_DIRECTORY)
            if nfd is None:
                return None
            os.close(fd)
            fd, real = nfd, here
        result, fd = fd, None
        return result
    finally:
        if fd is not None:
            os.close(fd)


class FileInstaller(object):
    """Decide and carry out the installation of ``entries`` into ``dest``.

    Root writes into directories other users control (~alice/.docker with owner alice), so nothing
    here follows a symlink or writes through a hard link that such a user could have planted: the
    directory is opened once without following links (every file is then named relative to it), files
    are opened O_NOFOLLOW and changed through their descriptors, new files are created O_EXCL and
    renamed into place (a rename replaces a link instead of following it)."""

    def __init__(self, dest, entries, dir_mode=0o700, owner=None, group=None, backup=False, check_mode=False):
        if not dest or not os.path.isabs(dest):
            raise FilesError('dest: %r is not an absolute directory path.' % (dest,))
        names = [e.name for e in entries]
        twice = sorted(n for n in set(names) if names.count(n) > 1)
        if twice:
            raise FilesError('files: a name is listed twice (%s).' % ', '.join(twice))
        dest = os.path.normpath(dest)
        parent = os.path.dirname(dest) or '/'
        if not os.path.isdir(parent):
            raise FilesError('dest: the parent directory %s does not exist.' % parent)
        if os.path.lexists(dest) and not os.path.islink(dest) and not os.path.isdir(dest):
            raise FilesError('dest: %s exists and is not a directory.' % dest)
        self.dest = dest
        self.entries = entries
        self.dir_mode = dir_mode
        self.uid, self.gid = resolve_owner(owner, group)
        self.backup = backup
        self.check_mode = check_mode

    def _attrs_differ(self, st, mode):
        return (stat.S_IMODE(st.st_mode) != mode or (self.uid != -1 and st.st_uid != self.uid)
                or (self.gid != -1 and st.st_gid != self.gid))

    def _check_owner(self, st):
        """The directory must belong to root, to us or to the requested owner: writing as root into a
        directory someone else controls would hand them our files."""
        allowed = set([0, os.geteuid()] + ([self.uid] if self.uid != -1 else []))
        if st.st_uid not in allowed:
            raise FilesError('dest: %s is owned by uid %d, not by root or the requested owner; refusing to write '
                             'into a directory another user controls. Fix its owner or give owner.'
                             % (self.dest, st.st_uid))

    def _check_writers(self, st):
        """Refuse a directory that others than root and the owner may write to: a file one of them put
        there before the run (config.json beside the certificates, a key.pem kept open for writing) would
        stay, or be adopted. Group write is accepted when the group's only members are root and the owner."""
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o002:
            whom = 'everyone'
        elif mode & 0o020 and not self._group_is_private(st.st_gid, st.st_uid):
            whom = 'the members of group %d' % st.st_gid
        else:
            return
        raise FilesError('dest: %s can be written by %s (mode %04o), so a file another user put there would stay '
                         'beside the files written here; refusing to write into it. Check what is in it, run '
                         '`chmod go-w %s`, and run again.' % (self.dest, whom, mode, self.dest))

    def _group_is_private(self, gid, dir_uid):
        """Whether the only members of group gid (listed, or by primary group) are root and the owner."""
        import grp
        import pwd
        trusted = set([0, os.geteuid(), dir_uid] + ([self.uid] if self.uid != -1 else []))
        names = set()
        for uid in trusted:
            try:
                names.add(pwd.getpwuid(uid).pw_name)
            except KeyError:
                pass
        try:
            if set(grp.getgrgid(gid).gr_mem) - names:
                return False
        except KeyError:
            pass
        return all(user.pw_uid in trusted for user in pwd.getpwall() if user.pw_gid == gid)

    def _open_dest(self, _retry=False):
        """(fd or None in check mode for a directory still to make, dir_changed)."""
        fd = open_directory(self.dest)
        if fd is None:
            parent_fd = open_directory(os.path.dirname(self.dest) or '/')
            if parent_fd is None:
                raise FilesError('dest: the parent directory %s does not exist.' % os.path.dirname(self.dest))
            try:
                if self.check_mode:
                    return None, True
                name = os.path.basename(self.dest)
                try:
                    os.mkdir(name, 0o700, dir_fd=parent_fd)  # closed until owner and mode are set
                except FileExistsError:
                    if _retry:
                        raise
                    made_meanwhile = True  # by a run beside this one: take it as found
                else:
                    made_meanwhile = False
                    fd = _open_nofollow(name, parent_fd, os.O_RDONLY | os.O_DIRECTORY)
            finally:
                os.close(parent_fd)
            if made_meanwhile:
                return self._open_dest(_retry=True)
            if fd is None:
                raise FilesError('dest: %s was removed (or replaced) just after it was made; nothing was written. '
                                 'Find what removes it and run again.' % self.dest)
            os.fchown(fd, self.uid, self.gid)
            os.fchmod(fd, self.dir_mode)
            return fd, True
        try:
            st = os.fstat(fd)
            self._check_owner(st)
            self._check_writers(st)
            if self._attrs_differ(st, self.dir_mode):
                if not self.check_mode:
                    os.fchown(fd, self.uid, self.gid)
                    os.fchmod(fd, self.dir_mode)
                return fd, True
        except BaseException:
            os.close(fd)
            raise
        return fd, False

    def _backup(self, dir_fd, name, path, st):
        if st.st_size > MAX_FILE_SIZE:
            raise FilesError('%s is %d bytes, more than any certificate or key (%d); not backed up and not replaced. '
                             'Move it away (or set backup: false) and run again.' % (path, st.st_size, MAX_FILE_SIZE))
        # A file in dest larger than MAX_FILE_SIZE is not backed up: its owner could make it 100 GiB (sparse).
        return os.path.join(self.dest, back_up(name, dir_fd=dir_fd, max_size=MAX_FILE_SIZE))

    def run(self):
        """Result dict: changed, dir_changed, files (per file), backups (restore entries), diff."""
        dir_fd, dir_changed = self._open_dest()
        lock_fd = None
        try:
            # Two runs on the same directory take turns (a directory not made yet, in check mode: no lock).
            # Not a flock on dir_fd: the directory's owner could hold that one and stall the run for ever.
            if dir_fd is not None:
                try:
                    lock_fd = lock_directory(dir_fd, self.dest)
                except LockTimeout as exc:
                    raise FilesError('dest: %s' % exc.strerror)
            try:
                files, backups, diffs = [], [], []
                # Every file is checked before any is written: one refused (a link, other hard links) leaves
                # the set as it was - never a new certificate beside the old key.
                for entry in self.entries:
                    self._read_current(dir_fd, entry)
                try:
                    for entry in self.entries:
                        files.append(self._install(dir_fd, entry, backups, diffs))
                except BaseException as exc:
                    if self.check_mode or not backups:
                        raise
                    # A write failed part-way (a full disk): what this run replaced goes back.
                    restored, not_restored = put_back(backups)
                    if not_restored:
                        raise RollbackIncomplete(exc, restored, not_restored)
                    raise FilesError('%s; the files written before it were put back' % exc)
            finally:
                if lock_fd is not None:
                    os.close(lock_fd)  # closing drops the lock
        finally:
            if dir_fd is not None:
                os.close(dir_fd)
        changed = dir_changed or any(f['changed'] for f in files)
        return dict(changed=changed, dir_changed=dir_changed, files=files, backups=backups, diff=diffs)

    def _current(self, dir_fd, name, path):
        """(content, stat) of the file now at name, or (None, None); content is None also for a file larger
        than MAX_FILE_SIZE, which is not read. A symlink, a non-regular file or a file with other hard links
        (which may be a root-owned file linked in by the directory's user) is refused."""
        if dir_fd is None:
            return None, None
        fd = _open_nofollow(name, dir_fd, os.O_RDONLY | os.O_NONBLOCK)
        if fd is None:
            try:
                os.lstat(name, dir_fd=dir_fd)
            except FileNotFoundError:
                return None, None
        try:
            st = None if fd is None else os.fstat(fd)
            if st is None or not stat.S_ISREG(st.st_mode):
                raise FilesError('%s is %s; refusing to replace it (it may have been planted by a user who can '
                                 'write to %s). Remove it and run again.'
                                 % (path, 'a symbolic link' if st is None else 'not a regular file', self.dest))
            if st.st_nlink > 1:
                raise FilesError('%s has %d hard links; refusing to change it (it may be a link to another file, '
                                 'planted by a user who can write to %s). Remove it and run again.'
                                 % (path, st.st_nlink, self.dest))
            if st.st_size > MAX_FILE_SIZE:
                return None, st
            return read_fd(fd, MAX_FILE_SIZE), st
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise FilesError('%s is a symbolic link; refusing to replace it.' % path)
            raise
        finally:
            if fd is not None:
                os.close(fd)

    def _read_current(self, dir_fd, entry):
        """(path, content, stat) of what is at entry's name now; FilesError for what is refused there."""
        path = os.path.join(self.dest, entry.name)
        try:
            current, st = self._current(dir_fd, entry.name, path)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            raise FilesError('%s is a symbolic link; refusing to replace it.' % path)
        return path, current, st

    def _install(self, dir_fd, entry, backups, diffs):
        path, current, st = self._read_current(dir_fd, entry)
        result = dict(name=entry.name, path=path, mode='%04o' % entry.mode, changed=False, content_changed=False)
        if st is None or current != entry.content:
            result.update(changed=True, content_changed=True)
            backup = None
            if not self.check_mode and self.backup and st is not None:
                backup = self._backup(dir_fd, entry.name, path, st)
                result['backup_file'] = backup
            # Listed before the write: a write that fails still has its backup put back and removed.
            backups.append(dict(path=path, backup=backup))
            if not self.check_mode:
                write_atomic_at(dir_fd, entry.name, entry.content, entry.mode, self.uid, self.gid)
            # Content is a no_log option (Ansible would mask it in a diff anyway): the diff names the
            # file's digest and mode instead, which shows what changed and reveals nothing.
            if st is None:
                before = ''
            elif current is None:
                before = 'not read: %d bytes, mode %04o\n' % (st.st_size, stat.S_IMODE(st.st_mode))
            else:
                before = fingerprint(current, stat.S_IMODE(st.st_mode))
            diffs.append(dict(before_header=path, after_header=path, before=before,
                              after=fingerprint(entry.content, entry.mode)))
        elif self._attrs_differ(st, entry.mode):
            result['changed'] = True
            if self.check_mode:
                return result
            if st.st_uid == (os.geteuid() if self.uid == -1 else self.uid) and self.gid in (-1, st.st_gid):
                # Only the mode differs, on a file that already is the owner's: fixed in place.
                fd = _open_nofollow(entry.name, dir_fd, os.O_RDONLY | os.O_NONBLOCK)
                if fd is None:
                    raise FilesError('%s changed while it was being checked; run again.' % path)
                try:
                    if (os.fstat(fd).st_ino, os.fstat(fd).st_dev) != (st.st_ino, st.st_dev):
                        raise FilesError('%s changed while it was being checked; run again.' % path)
                    os.fchmod(fd, entry.mode)
                finally:
                    os.close(fd)
            else:
                # Someone else's file (or group) with the right content - perhaps made by a user who could
                # write to dest, who may still hold it open for writing: a chown would hand that user's
                # file to the owner. A new file replaces it instead.
                write_atomic_at(dir_fd, entry.name, entry.content, entry.mode, self.uid, self.gid)
        return result


def install(params, check_mode, option=''):
    """Install the file set ``params`` (file_set_spec's keys, and backup); the installer's result, diff
    included. FilesError (its message prefixed with ``option``, the option the set came in) or OSError."""
    try:
        for index, spec in enumerate(params['files']):
            if spec.get('src') is not None:
                # The action plugin turns src into content; src reaching here means it did not run.
                raise FilesError('files[%d].src: read on the controller by the action plugin, which did not run; '
                                 'give content instead.' % index)
        entries = [FileEntry(index, spec['name'], spec['content'], spec['mode'])
                   for index, spec in enumerate(params['files'])]
        installer = FileInstaller(params['dest'], entries, dir_mode=parse_mode(params['dir_mode'], 'dir_mode'),
                                  owner=params['owner'], group=params['group'], backup=params.get('backup', False),
                                  check_mode=check_mode)
        return installer.run()
    except FilesError as exc:
        text = str(exc)
        if not option:
            raise
        # "files[2].mode: ..." names a sub-option: "tls_files.files[2].mode: ..."; any other message is about the set.
        named = text.split(':', 1)[0] in ('dest', 'dir_mode', 'owner', 'group', 'files') or text.startswith('files[')
        raise FilesError((option + '.' + text) if named else '%s: %s' % (option, text))


def put_back(backups):
    """Undo an installation: each file of ``backups`` (the installer's result) put back from its backup, or
    removed when it was new (file_transaction.restore_files), then - all put back - its backups removed: left,
    they would pass for an earlier run's files that no restart loaded. (restored, not_restored)."""
    restored, not_restored = restore_files(backups)
    if not not_restored:
        for entry in backups:
            if entry['backup']:
                try:
                    os.unlink(entry['backup'])
                except OSError:
                    pass
    return restored, not_restored


def backups_in(dest, names, owner=None, group=None):
    """The paths of the backups docker_tls_files left in dest of the files ``names`` (NAME.STAMP.tprov-backup),
    oldest first per file: regular files owned by root, the user this runs as or ``owner``, in a directory the
    installer itself would write into (FileInstaller's owner and writers rules). Another directory is refused
    (FilesError): a file planted there must never become what a rollback installs, or what a prune deletes."""
    dir_fd = open_directory(dest)
    if dir_fd is None:
        return []
    rules = FileInstaller(dest, [], owner=owner, group=group)
    trusted = set([0, os.geteuid()] + ([rules.uid] if rules.uid != -1 else []))
    try:
        st = os.fstat(dir_fd)
        try:
            rules._check_owner(st)
            rules._check_writers(st)
        except FilesError as exc:
            raise FilesError('%s Another user could plant a backup there, so none is used or deleted.'
                             % str(exc).replace('dest: ', '', 1))
        found = []
        for name in os.listdir(dir_fd):
            parts = parse_backup_name(name)
            if not parts or parts[0] not in names:
                continue
            try:
                entry = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except FileNotFoundError:
                continue  # deleted by a run beside this one
            if stat.S_ISREG(entry.st_mode) and entry.st_uid in trusted:
                found.append(os.path.join(dest, name))
        return sorted(found, key=lambda p: parse_backup_name(os.path.basename(p)))
    finally:
        os.close(dir_fd)


def remove_backups(dest, paths, check_mode):
    """Delete the backups ``paths`` (names found by backups_in) from dest, through the directory opened
    without following links; the paths removed (in check mode: that would be)."""
    if check_mode or not paths:
        return list(paths)
    dir_fd = open_directory(dest)
    if dir_fd is None:
        return []
    removed = []
    try:
        for path in paths:
            name = os.path.basename(path)
            if os.path.dirname(path) != dest or not parse_backup_name(name):
                continue
            try:
                os.unlink(name, dir_fd=dir_fd)  # unlink removes a link itself, never its target
            except FileNotFoundError:
                continue
            removed.append(path)
        return removed
    finally:
        os.close(dir_fd)


def run(module):
    """docker_tls_files: install module.params['files'] into dest; the result, or fail_json."""
    p = module.params
    try:
        result = install(p, module.check_mode)
    except FilesError as exc:
        module.fail_json(msg=str(exc))
    except RollbackIncomplete as exc:
        module.fail_json(msg='Writing %s failed (%s), and putting back what was already written failed: ROLLBACK '
                             'INCOMPLETE: not put back: %s.' % (p['dest'], exc.cause, ', '.join(
                                 e['path'] for e in exc.not_restored)), error_kind='restore_incomplete',
                         changed=True, restored=exc.restored, not_restored=exc.not_restored)
    except OSError as exc:
        module.fail_json(msg='dest %s: %s' % (p['dest'], exc))
    diff = result.pop('diff')
    if module._diff:
        result['diff'] = diff
    return result
