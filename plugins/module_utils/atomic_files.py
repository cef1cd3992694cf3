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


def _stage(path, content, mode, uid=-1, gid=-1):
    """Write content to a temp file beside path, created with mode (never wider), fsync'd.

    uid/gid (-1: unchanged) are set on the temp file, so the file appears with its owner at once."""
    directory = os.path.dirname(os.path.abspath(path)) or '.'
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        # mkstemp creates 0600; chmod before writing so a key is never readable by others.
        if uid != -1 or gid != -1:
            os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)
        with os.fdopen(fd, 'wb') as handle:
            fd = None
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        if fd is not None:
            os.close(fd)
        _unlink_quietly(tmp)
        raise
    return tmp


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


class DirectoryLock(object):
    """An exclusive lock on a directory (flock on the directory itself: no lock file is left
    behind), so two runs that decide and write the same files (two playbooks, two forks) take
    turns: the second decides again after the first has written, and finds the files right.
    Released on exit, also on failure."""

    def __init__(self, directory):
        self.directory = directory
        self.fd = None

    def __enter__(self):
        import fcntl
        try:
            self.fd = os.open(self.directory, os.O_RDONLY)
        except OSError:
            self.fd = None  # a directory that is not there: the write itself will say so
            return self
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            import fcntl
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# Flags that never follow a symlink at the last component and never reuse an existing file.
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0) | getattr(os, 'O_NONBLOCK', 0)


def copy_file(src, dst, src_dir_fd=None, dst_dir_fd=None):
    """Copy src to dst, a file that must not exist yet (a backup, a restore's staging file).

    dst is created with O_EXCL|O_NOFOLLOW and mode 0600 - or the source's, when that is narrower -
    before a byte is written, so a key's copy is never readable by anyone the key is not; then it
    gets the source's owner and mode. Neither name is followed when it is a symlink (src must be a
    regular file). shutil.copy2 created the copy with the umask's mode and narrowed it only after
    the content was in it. Relative names are taken in src_dir_fd / dst_dir_fd when given."""
    in_fd = os.open(src, _READ_FLAGS, dir_fd=src_dir_fd)
    try:
        st = os.fstat(in_fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, '%s is not a regular file; not copied' % src)
        mode = stat.S_IMODE(st.st_mode)
        out_fd = os.open(dst, _CREATE_FLAGS, mode & 0o600, dir_fd=dst_dir_fd)
        try:
            # The umask may only have narrowed it further; make it exactly "0600 or narrower" now.
            os.fchmod(out_fd, mode & 0o600)
            while True:
                chunk = os.read(in_fd, 1 << 16)
                if not chunk:
                    break
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


def copy_to_new_file(src, make_name, src_dir_fd=None, dst_dir_fd=None):
    """copy_file to the first of make_name(''), make_name('-1'), ... that does not exist yet (two runs in
    the same second back up the same file twice); returns the name used."""
    for attempt in range(100):
        dst = make_name('-%d' % attempt if attempt else '')
        try:
            copy_file(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)
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
