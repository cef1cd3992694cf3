# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""File transactions: stage new content, back up what it replaces, commit, and restore on failure.

Every file the collection writes on a host or the controller (certificates and keys, the daemon's unit,
drop-in, environment file and daemon.json) goes through here, so a reader never sees half a file,
a pair of files (a key and its certificate) changes together, and what was replaced can be put back.

Names, made only here (the modules' documentation refers to this list):

``NAME.YYYYmmddTHHMMSS.tprov-backup`` (``...THHMMSS-N.tprov-backup`` for the Nth in the same second; UTC,
    so that the names sort by age across a clock change or a new time zone)
    A backup of NAME, beside it (docker_tls_files, the CA of docker_tls_pki) or, given a backup
    directory (docker_daemon_config's ``backup_dir``), in it with NAME's path flattened
    (``/etc/docker/daemon.json`` -> ``etc_docker_daemon.json.STAMP.tprov-backup``). Created O_EXCL and
    O_NOFOLLOW, 0600 or narrower before a byte is written, then given the original's owner and mode.
``NAME.tprov-orig``
    The vendor's unit as it was before docker_daemon_config edited it in place (mode unit). Persistent:
    admins know the name; it is kept.
``NAME.tprov-restore``
    A restore's copy of the backup, renamed over NAME (one per NAME: a copy left by an interrupted
    restore is recognised and replaced).
``.NAME.RANDOM.tmp``
    New content before it is renamed over NAME, and the link that keeps NAME's old content while a
    pair is replaced.

A restore entry is ``{path, backup}``: put NAME back from backup, or remove it when backup is null (it
was new). docker_daemon_config returns such entries for what it wrote, docker_tls_files for what it
installed; the daemon role hands both back to docker_daemon_config (state restored), which restores
them with :func:`restore_files`. Copy results (``dest``, ``backup_file``) are accepted the same way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import re
import stat
import tempfile
import time

from ansible_collections.tprov.docker.plugins.module_utils.redaction import redact_credentials

BACKUP_SUFFIX = '.tprov-backup'
ORIGINAL_SUFFIX = '.tprov-orig'
RESTORE_SUFFIX = '.tprov-restore'
_STAMP_FORMAT = '%Y%m%dT%H%M%S'
# A backup beside its file: the file's path, the stamp, the optional -N.
_BACKUP_BESIDE = re.compile(r'^(?P<path>.+)\.(?P<stamp>\d{8}T\d{6})(?:-(?P<n>\d+))?' + re.escape(BACKUP_SUFFIX) + '$')
# Certificates, keys, units and environment files are a few KiB. A file larger than this is not read:
# whoever controls its directory could make it 100 GiB (sparse) to exhaust root's memory.
MAX_FILE_SIZE = 1 << 20


def backup_name(path, stamp=None, suffix='', directory=None):
    """The backup name of path (see the module's docstring): beside it, or in directory, flattened.
    stamp defaults to now; suffix is '' or '-N' for the Nth backup in the same second."""
    stamp = stamp or time.strftime(_STAMP_FORMAT, time.gmtime())
    if directory is None:
        base = path
    else:
        base = os.path.join(directory, path.strip('/').replace('/', '_'))
    return '%s.%s%s%s' % (base, stamp, suffix, BACKUP_SUFFIX)


def parse_backup_name(backup):
    """(path, stamp, N) of a backup beside its file (N 0 for the first in its second), so that sorting
    them sorts by age; None when backup is not such a name."""
    match = _BACKUP_BESIDE.match(backup)
    if not match:
        return None
    return match.group('path'), match.group('stamp'), int(match.group('n') or 0)


def oldest_backups(backup_paths):
    """Restore entries ({path, backup}) for backups found beside their files: for each file its oldest
    backup. Backups are deleted once the daemon is proven to serve the files on disk, so the oldest one
    left is the content the daemon last started with. Paths that are not backup names are left out."""
    oldest = {}
    for parts, backup in sorted((parse_backup_name(str(p)), str(p)) for p in (backup_paths or [])
                                if parse_backup_name(str(p))):
        oldest.setdefault(parts[0], backup)
    return [{'path': path, 'backup': oldest[path]} for path in sorted(oldest)]


def owned_by_root_or_us(st):
    """Whether a file or directory (its stat) is owned by root or by the user this runs as."""
    return st.st_uid in (0, os.geteuid())


def only_root_or_we_can_write(st):
    """Whether a file or directory (its stat) is owned by root or by the user this runs as and writable by neither
    group nor others: what it holds was put there by root or by us (a symlink in such a directory is followed)."""
    return owned_by_root_or_us(st) and not st.st_mode & 0o022


def untrusted_ancestor(path):
    """The first directory above ``path`` (as given, and as symlinks resolve it) that another user could use to
    put something else in its place: owned by neither root nor us, or writable by group or others without the
    sticky bit (which keeps others from renaming what they do not own, as in /tmp). (directory, stat) or None."""
    seen = set()
    for start in (os.path.abspath(path), os.path.realpath(path)):
        parent = os.path.dirname(start)
        while parent not in seen:
            seen.add(parent)
            try:
                st = os.stat(parent)
            except OSError:
                st = None
            # The sticky bit keeps others from renaming what they do not own: then the owner alone decides.
            if st is not None and not only_root_or_we_can_write(st) and not (
                    owned_by_root_or_us(st) and st.st_mode & stat.S_ISVTX):
                return parent, st
            if os.path.dirname(parent) == parent:
                break
            parent = os.path.dirname(parent)
    return None


def original_path(path):
    """Where the vendor's version of path (a unit edited in place) is kept."""
    return path + ORIGINAL_SUFFIX


def read_fd(fd, max_size=MAX_FILE_SIZE):
    """At most max_size bytes of the open file fd; None when it has more (whatever it grows to while read)."""
    chunks, left = [], max_size + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    content = b''.join(chunks)
    return None if len(content) > max_size else content


def read_file(path, max_size=MAX_FILE_SIZE):
    """The bytes of path; None when it does not exist. A file larger than max_size, or not a regular file
    (a FIFO would block the run), raises OSError naming it (EFBIG, EINVAL). For the files root reads in
    directories only root controls; in one another user controls, open O_NOFOLLOW at a directory fd and
    use read_fd (tls_files does)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, '%s is not a regular file' % path)
        content = read_fd(fd, max_size)
        if content is None:
            raise OSError(errno.EFBIG, '%s is larger than %d bytes; not read' % (path, max_size))
        return content
    finally:
        os.close(fd)


def read_text(path, max_size=MAX_FILE_SIZE):
    """read_file as UTF-8 text; None when path does not exist or cannot be read (a directory). A file
    larger than max_size raises OSError EFBIG: it is not taken for a missing one."""
    try:
        content = read_file(path, max_size)
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            raise
        return None
    return None if content is None else content.decode('utf-8')


def _stage(path, content, mode, uid=-1, gid=-1):
    """Write content to a temp file beside path, created with mode (never wider), fsync'd.

    uid/gid (-1: unchanged) are set on the temp file, so the file appears with its owner at once."""
    directory = os.path.dirname(os.path.abspath(path)) or '.'
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        _fill_new_file(fd, content, mode, uid, gid)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _fill_new_file(fd, content, mode, uid=-1, gid=-1):
    """Give a just-created (0600) file its owner and mode, then its content, and close it: chmod
    before writing, so a key is never readable by others."""
    try:
        if uid != -1 or gid != -1:
            os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(path):
    try:
        fd = os.open(os.path.dirname(os.path.abspath(path)) or '.', os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path, content, mode=0o644, uid=-1, gid=-1):
    """Replace path with content (bytes) in one rename (owner uid/gid when given)."""
    tmp = _stage(path, content, mode, uid, gid)
    try:
        os.rename(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(path)


def write_pair_atomic(first, second):
    """Replace two files (each a (path, bytes, mode) tuple) so they change together.

    Both are staged first; if the second rename fails, the first file is put back as it was,
    so a key never stands beside a certificate made for another key.
    """
    staged = []
    backup = None
    try:
        for path, content, mode in (first, second):
            staged.append(_stage(path, content, mode))
        first_path = first[0]
        if os.path.exists(first_path):
            backup = _link_beside(first_path)
        os.rename(staged[0], first_path)
        staged[0] = None
        try:
            os.rename(staged[1], second[0])
            staged[1] = None
        except BaseException:
            if backup:
                os.rename(backup, first_path)
                backup = None
            else:
                _unlink_quietly(first_path)
            raise
    finally:
        for tmp in staged:
            if tmp:
                _unlink_quietly(tmp)
        if backup:
            _unlink_quietly(backup)
    _fsync_dir(first[0])
    _fsync_dir(second[0])


def _link_beside(path):
    """A new hard link to path under a temporary name beside it (the old content, kept while a pair is
    replaced); returns its name."""
    directory, name = os.path.split(os.path.abspath(path))
    for _attempt in range(100):
        link = os.path.join(directory, _temp_name(name))
        try:
            # follow_symlinks=False: a symlink planted at path is kept as the link itself (and put back on
            # rollback), never turned into a root-made hard link to its target (Python 3.14's os.link
            # follows symlinks by default).
            os.link(path, link, follow_symlinks=False)
            return link
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, 'no free temporary name for %s' % path)


def _temp_name(name):
    return '.%s.%s.tmp' % (name, os.urandom(6).hex())


# A lock is a flock on a lock file in a directory only we can write, named after the locked directory's
# device and inode (any path to it, one lock). Not a flock on the directory itself: its owner (alice, for
# ~alice/.docker written as root) could hold that one forever, and the run would wait forever.
# Each entry: a base directory that exists, then the directories to make in it (0700, ours).
LOCK_DIRS = (('/run', 'tprov-docker', 'locks'), (None, 'tprov-docker-%(uid)d', 'locks'))  # None: the temp dir
# Seconds to wait: only our own runs can hold a private lock file (a long pki run may); anyone who can
# open the directory can hold a lock on the directory itself, the fallback.
LOCK_TIMEOUT = 300
LOCK_TIMEOUT_SHARED = 30


class LockTimeout(OSError):
    """The lock on a directory was not free within the timeout; strerror names the directory."""


def _private_lock_dir():
    """fd of the first of LOCK_DIRS that we can make or open and that only we can write (owned by us,
    no group or other access, no symlink on the way below its base); None when none is."""
    euid = os.geteuid()
    for entry in LOCK_DIRS:
        base = tempfile.gettempdir() if entry[0] is None else entry[0]
        parts = [part % dict(uid=euid) for part in entry[1:]]
        try:
            fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            for part in parts:
                try:
                    os.mkdir(part, 0o700, dir_fd=fd)
                except FileExistsError:
                    pass
                nfd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
                os.close(fd)
                fd = nfd
                st = os.fstat(fd)
                if st.st_uid != euid or stat.S_IMODE(st.st_mode) & 0o077:
                    raise PermissionError(errno.EPERM, 'not ours alone')
            result, fd = fd, None
            return result
        except OSError:
            continue
        finally:
            if fd is not None:
                os.close(fd)
    return None


def lock_directory(dir_fd, path, timeout=None):
    """Take the exclusive lock for the directory open as dir_fd (path names it in messages); returns an
    fd whose closing releases it. The lock file is in a directory only we can write (see LOCK_DIRS);
    when there is none, the directory itself is locked. Either way the wait is bounded: LockTimeout
    after timeout seconds (when None: LOCK_TIMEOUT, or LOCK_TIMEOUT_SHARED on the directory itself)
    instead of hanging."""
    import fcntl
    import hashlib
    st = os.fstat(dir_fd)
    locks = _private_lock_dir()
    if timeout is None:
        timeout = LOCK_TIMEOUT if locks is not None else LOCK_TIMEOUT_SHARED
    if locks is not None:
        name = hashlib.sha256(('%d:%d' % (st.st_dev, st.st_ino)).encode('ascii')).hexdigest() + '.lock'
        try:
            lock_fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=locks)
        finally:
            os.close(locks)
    else:
        # A new open file description: a flock on dir_fd itself would be released only with dir_fd.
        lock_fd = os.open('.', os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=dir_fd)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lock_fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(lock_fd)
                raise LockTimeout(errno.EAGAIN, '%s is locked by another run (or a process holding a lock on it) '
                                  'for more than %d seconds; nothing changed. Let it finish and run again.'
                                  % (path, timeout))
            time.sleep(0.1)
        except BaseException:
            os.close(lock_fd)
            raise


class DirectoryLock(object):
    """An exclusive lock on a directory (lock_directory: no lock file is left in it), so two runs that
    decide and write the same files (two playbooks, two forks) take turns: the second decides again
    after the first has written, and finds the files right. Released on exit, also on failure; a
    lock not free within timeout seconds raises LockTimeout."""

    def __init__(self, directory, timeout=None):
        self.directory = directory
        self.timeout = timeout
        self.fd = None

    def __enter__(self):
        try:
            dir_fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return self  # a directory that is not there: the write itself will say so
        try:
            self.fd = lock_directory(dir_fd, self.directory, self.timeout)
        finally:
            os.close(dir_fd)
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)  # closing drops the lock
            self.fd = None


# Flags that never follow a symlink at the last component and never reuse an existing file.
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0) | getattr(os, 'O_NONBLOCK', 0)


def copy_file(src, dst, src_dir_fd=None, dst_dir_fd=None, max_size=None):
    """Copy src to dst, a file that must not exist yet (a backup, a restore's staging file).

    dst is created with O_EXCL|O_NOFOLLOW and mode 0600 - or the source's, when that is narrower -
    before a byte is written, so a key's copy is never readable by anyone the key is not; then it
    gets the source's owner and mode. Neither name is followed when it is a symlink (src must be a
    regular file). shutil.copy2 created the copy with the umask's mode and narrowed it only after
    the content was in it. Relative names are taken in src_dir_fd / dst_dir_fd when given. A source
    larger than max_size bytes (when given) is not copied: OSError EFBIG, and no dst is left."""
    in_fd = os.open(src, _READ_FLAGS, dir_fd=src_dir_fd)
    try:
        st = os.fstat(in_fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, '%s is not a regular file; not copied' % src)
        if max_size is not None and st.st_size > max_size:
            raise OSError(errno.EFBIG, '%s is %d bytes, more than %d; not copied' % (src, st.st_size, max_size))
        mode = stat.S_IMODE(st.st_mode)
        out_fd = os.open(dst, _CREATE_FLAGS, mode & 0o600, dir_fd=dst_dir_fd)
        try:
            # The umask may only have narrowed it further; make it exactly "0600 or narrower" now.
            os.fchmod(out_fd, mode & 0o600)
            copied = 0
            while True:
                chunk = os.read(in_fd, 1 << 16)
                if not chunk:
                    break
                copied += len(chunk)
                if max_size is not None and copied > max_size:  # it grew after the fstat above
                    raise OSError(errno.EFBIG, '%s grew past %d bytes while copied; not copied' % (src, max_size))
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out_fd, view):]
            os.fsync(out_fd)
            # Owner first (chown may clear set-id bits), then the source's mode: the copy ends as the original.
            try:
                os.fchown(out_fd, st.st_uid, st.st_gid)
            except PermissionError:
                pass  # not root: the copy stays ours (still 0600 or narrower until the chmod below)
            os.fchmod(out_fd, mode)
        except BaseException:
            os.close(out_fd)
            out_fd = None
            try:
                os.unlink(dst, dir_fd=dst_dir_fd)
            except OSError:
                pass
            raise
        finally:
            if out_fd is not None:
                os.close(out_fd)
    finally:
        os.close(in_fd)


def back_up(path, directory=None, dir_fd=None, max_size=None):
    """Copy path to its backup name (backup_name: beside it, or in directory) with copy_file, taking the
    next -N when two runs back up the same file in the same second; returns the backup's path. With
    dir_fd, path is a name in that open directory and so is the backup (directory is not used)."""
    stamp = time.strftime(_STAMP_FORMAT, time.gmtime())
    for attempt in range(100):
        dst = backup_name(path, stamp, '-%d' % attempt if attempt else '', None if dir_fd is not None else directory)
        try:
            copy_file(path, dst, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, max_size=max_size)
            return dst
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, 'no free backup name for %s' % path)


def create_temp_at(dir_fd, name):
    """(fd, its name) of a new 0600 file ``.NAME.RANDOM.tmp`` in the open directory dir_fd, created
    O_EXCL|O_NOFOLLOW: never an existing file, never through a symlink."""
    for _attempt in range(100):
        tmp = _temp_name(name)
        try:
            return os.open(tmp, _CREATE_FLAGS, 0o600, dir_fd=dir_fd), tmp
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, 'no free temporary name for %s' % name)


def write_atomic_at(dir_fd, name, content, mode, uid=-1, gid=-1):
    """write_atomic for a name inside an open directory (dir_fd): the temp file is created there with
    O_EXCL|O_NOFOLLOW, gets owner and mode before its content, and is renamed over name - which
    replaces a symlink at name instead of following it."""
    fd, tmp = create_temp_at(dir_fd, name)
    try:
        _fill_new_file(fd, content, mode, uid, gid)
        os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=dir_fd)
        except OSError:
            pass
        raise
    try:
        os.fsync(dir_fd)
    except OSError:
        pass


class RollbackIncomplete(Exception):
    """A commit failed (cause) and putting back what it had already written failed too: restored and
    not_restored are restore_files' lists."""

    def __init__(self, cause, restored, not_restored):
        super().__init__(str(cause))
        self.cause = cause
        self.restored = restored
        self.not_restored = not_restored


class Transaction(object):
    """Files that change together. want() stages a file's new text (None: remove it) when it differs from
    what is there; commit() backs up each file it replaces into backup_dir (made 0700), writes them in
    order, and returns the restore entries. When a write fails, what was already written is put back
    before the error is raised again (RollbackIncomplete when that fails too)."""

    def __init__(self, backup_dir):
        self.backup_dir = backup_dir
        self.pending = []  # (path, new text or None to remove, mode)
        self.diff = []

    def want(self, path, text, mode=0o644):
        current = read_text(path)
        if current == text:
            return
        self.pending.append((path, text, mode))
        # A diff is printed (--diff) and kept in results: proxy URLs and tokens in an environment
        # file or daemon.json show masked there; what is written is the text as given.
        self.diff.append(dict(before_header=path, after_header=path, before=redact_credentials(current or ''),
                              after=redact_credentials(text or '')))

    @property
    def paths(self):
        return [path for path, _text, _mode in self.pending]

    def commit(self):
        entries = []
        if not self.pending:
            return entries
        if not os.path.isdir(self.backup_dir):
            os.makedirs(self.backup_dir, 0o700)
        try:
            for path, text, mode in self.pending:
                backup = back_up(path, self.backup_dir) if os.path.exists(path) else None
                entries.append(dict(path=path, backup=backup))
                if text is None:
                    os.unlink(path)
                    continue
                directory = os.path.dirname(path)
                if not os.path.isdir(directory):
                    os.makedirs(directory, 0o755)
                write_atomic(path, text.encode('utf-8'), mode)
        except OSError as exc:
            restored, not_restored = restore_files(entries)
            if not_restored:
                raise RollbackIncomplete(exc, restored, not_restored)
            raise
        return entries


def restore_entry(entry):
    """(path, backup) of a restore entry: {path, backup}, or a copy result's {dest, backup_file}."""
    return entry.get('path') or entry.get('dest'), entry.get('backup') or entry.get('backup_file')


def restore_files(entries, check_mode=False):
    """Put each path back from its backup (copied beside it as NAME.tprov-restore, then renamed over it:
    atomic), or remove it when it had none.

    Every entry is tried, whatever happened to the ones before: a rollback restores all it can.
    Returns (restored paths, not restored: dicts with path, backup and error)."""
    restored, not_restored = [], []
    for entry in entries:
        path, backup = restore_entry(entry)
        if not path:
            not_restored.append(dict(path=None, backup=backup, error='the entry has no path (or dest): %r' % (entry,)))
            continue
        if backup and not os.path.exists(backup):
            not_restored.append(dict(path=path, backup=backup, error='the backup is gone'))
            continue
        if not backup and not os.path.lexists(path):
            continue  # it was new and is already gone
        try:
            if not check_mode:
                _restore_one(path, backup)
        except OSError as exc:
            not_restored.append(dict(path=path, backup=backup, error=exc.strerror or str(exc)))
            continue
        restored.append(path)
    return restored, not_restored


def _restore_one(path, backup):
    """Put path back from backup (copied beside it, never wider than 0600 until its content is in, then
    renamed over it), or remove it."""
    if not backup:
        os.unlink(path)
        return
    staged = path + RESTORE_SUFFIX
    if os.path.lexists(staged):
        os.unlink(staged)  # left by an interrupted restore
    try:
        copy_file(backup, staged)
        os.rename(staged, path)
    except OSError:
        _unlink_quietly(staged)
        raise
