# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write files so that a reader never sees half of one, and a pair of files changes together."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import stat
import tempfile
import time


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
            backup = first_path + '.tprov-rollback'
            _unlink_quietly(backup)
            os.link(first_path, backup)
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


def copy_to_new_file(src, make_name, src_dir_fd=None, dst_dir_fd=None, max_size=None):
    """copy_file to the first of make_name(''), make_name('-1'), ... that does not exist yet (two runs in
    the same second back up the same file twice); returns the name used."""
    for attempt in range(100):
        dst = make_name('-%d' % attempt if attempt else '')
        try:
            copy_file(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd, max_size=max_size)
            return dst
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, 'no free backup name for %s' % src)


def write_atomic_at(dir_fd, name, content, mode, uid=-1, gid=-1):
    """write_atomic for a name inside an open directory (dir_fd): the temp file is created there with
    O_EXCL|O_NOFOLLOW, gets owner and mode before its content, and is renamed over name - which
    replaces a symlink at name instead of following it."""
    for _attempt in range(100):
        tmp = '.%s.%s.tmp' % (name, os.urandom(6).hex())
        try:
            fd = os.open(tmp, _CREATE_FLAGS, 0o600, dir_fd=dir_fd)
            break
        except FileExistsError:
            continue
    else:
        raise OSError(errno.EEXIST, 'no free temporary name for %s' % name)
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
