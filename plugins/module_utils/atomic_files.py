# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write files so that a reader never sees half of one, and a pair of files changes together."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
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
