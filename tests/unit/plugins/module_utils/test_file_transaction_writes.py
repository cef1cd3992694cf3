"""Atomic writes: modes from the first byte, pairs that change together."""

import os
import stat

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import file_transaction as atomic_files


def test_write_atomic_sets_mode_and_content(tmp_path):
    path = str(tmp_path / 'key.pem')
    atomic_files.write_atomic(path, b'secret', 0o600)
    assert open(path, 'rb').read() == b'secret'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(str(tmp_path)) == ['key.pem']


def test_pair_rolls_back_first_when_second_fails(tmp_path, monkeypatch):
    key, cert = str(tmp_path / 'k'), str(tmp_path / 'c')
    atomic_files.write_atomic(key, b'old-key', 0o600)
    atomic_files.write_atomic(cert, b'old-cert', 0o644)
    real_rename = os.rename

    def failing_rename(src, dst):
        if dst == cert:
            raise OSError(28, 'No space left on device')
        return real_rename(src, dst)
    monkeypatch.setattr(atomic_files.os, 'rename', failing_rename)
    with pytest.raises(OSError):
        atomic_files.write_pair_atomic((key, b'new-key', 0o600), (cert, b'new-cert', 0o644))
    monkeypatch.undo()
    assert open(key, 'rb').read() == b'old-key' and open(cert, 'rb').read() == b'old-cert'
    assert sorted(os.listdir(str(tmp_path))) == ['c', 'k']


def test_pair_writes_both(tmp_path):
    key, cert = str(tmp_path / 'k'), str(tmp_path / 'c')
    atomic_files.write_pair_atomic((key, b'K', 0o600), (cert, b'C', 0o644))
    assert open(key, 'rb').read() == b'K' and stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert open(cert, 'rb').read() == b'C' and stat.S_IMODE(os.stat(cert).st_mode) == 0o644


def test_directory_lock_serialises_and_leaves_nothing(tmp_path):
    import threading
    import time
    from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import DirectoryLock
    order = []

    def holder(name, pause):
        with DirectoryLock(str(tmp_path)):
            order.append(name + '-in')
            time.sleep(pause)
            order.append(name + '-out')

    first = threading.Thread(target=holder, args=('a', 0.3))
    first.start()
    time.sleep(0.05)
    second = threading.Thread(target=holder, args=('b', 0))
    second.start()
    first.join()
    second.join()
    assert order == ['a-in', 'a-out', 'b-in', 'b-out']
    assert list(tmp_path.iterdir()) == []
    with DirectoryLock(str(tmp_path / 'missing')):
        pass  # a directory that is not there: no lock, no error
