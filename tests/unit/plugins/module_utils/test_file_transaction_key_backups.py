"""Backups of keys are never readable by anyone the key is not readable by - not even for a moment.

shutil.copy2 created a backup with the umask's mode (0644 under umask 022), wrote the key into it and only
then copied the key's mode. These tests watch the backup from the moment it exists: a profile hook runs
after every call the code under test makes (each os.open, os.write, os.fchmod, ...) and records the
backup's mode and size on disk right then. No call is replaced; what is recorded is the real file."""

import glob
import os
import stat
import sys

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import file_transaction as atomic_files
from ansible_collections.tprov.docker.plugins.module_utils.tls_files import FileEntry, FileInstaller

KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n'


class Watch(object):
    """Every (mode, size) the files matching pattern had, observed after each call."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.seen = []

    def _look(self, _frame, event, _arg):
        if event not in ('c_return', 'c_exception', 'return'):
            return
        for path in glob.glob(self.pattern):
            try:
                st = os.lstat(path)
            except OSError:
                continue
            self.seen.append((path, stat.S_IMODE(st.st_mode), st.st_size))

    def __enter__(self):
        sys.setprofile(self._look)
        return self

    def __exit__(self, *exc):
        sys.setprofile(None)


@pytest.fixture(params=[0o022, 0o000], ids=['umask022', 'umask000'])
def open_umask(request):
    # 022, the usual umask: a file created without a mode is world-readable; 000: even world-writable.
    old = os.umask(request.param)
    yield
    os.umask(old)


def assert_never_wider(watch, limit):
    assert watch.seen, 'the backup was never observed'
    assert any(size == 0 for _p, _m, size in watch.seen), 'not observed before its content: %r' % watch.seen[:3]
    wider = [(p, '%04o' % m, size) for p, m, size in watch.seen if m & ~limit]
    assert not wider, 'the key copy was wider than %04o: %r' % (limit, wider[:3])


@pytest.mark.parametrize('key_mode', [0o600, 0o400])
def test_tls_files_backup_of_a_key_is_never_wider_than_the_key(tmp_path, open_umask, key_mode):
    dest = str(tmp_path / 'tls')
    FileInstaller(dest, [FileEntry(0, 'key.pem', KEY, '%04o' % key_mode)], backup=True).run()
    with Watch(dest + '/key.pem.*.tprov-backup') as watch:
        result = FileInstaller(dest, [FileEntry(0, 'key.pem', KEY.replace('MIGH', 'XXXX'), '%04o' % key_mode)],
                               backup=True).run()
    backup = result['files'][0]['backup_file']
    assert open(backup).read() == KEY and stat.S_IMODE(os.stat(backup).st_mode) == key_mode
    assert_never_wider(watch, key_mode)


def test_restore_staging_file_is_never_wider_than_the_key(tmp_path, open_umask):
    key, backup = str(tmp_path / 'server-key.pem'), str(tmp_path / 'server-key.pem.1.tprov-backup')
    atomic_files.write_atomic(key, b'new', 0o400)
    atomic_files.write_atomic(backup, KEY.encode(), 0o400)
    with Watch(key + '.tprov-restore') as watch:
        assert atomic_files.restore_files([dict(path=key, backup=backup)]) == ([key], [])
    assert open(key).read() == KEY and stat.S_IMODE(os.stat(key).st_mode) == 0o400
    assert_never_wider(watch, 0o400)


def test_daemon_config_backups_are_never_wider_than_the_original(tmp_path, open_umask):
    path = str(tmp_path / 'daemon.json')
    atomic_files.write_atomic(path, b'{"secret": 1}', 0o600)
    writer = atomic_files.Transaction(str(tmp_path / 'backup'))
    writer.want(path, '{}')
    with Watch(str(tmp_path / 'backup' / '*')) as watch:
        backups = writer.commit()
    assert open(backups[0]['backup']).read() == '{"secret": 1}'
    assert_never_wider(watch, 0o600)


def test_copy_file_never_follows_or_reuses_the_destination(tmp_path):
    src, dst, victim = str(tmp_path / 'key'), str(tmp_path / 'key.bak'), str(tmp_path / 'victim')
    atomic_files.write_atomic(src, b'secret', 0o600)
    atomic_files.write_atomic(victim, b'victim', 0o644)
    os.symlink(victim, dst)
    with pytest.raises(FileExistsError):
        atomic_files.copy_file(src, dst)
    assert open(victim).read() == 'victim' and stat.S_IMODE(os.stat(victim).st_mode) == 0o644
    os.unlink(dst)
    os.symlink(victim, str(tmp_path / 'link'))
    with pytest.raises(OSError):
        atomic_files.copy_file(str(tmp_path / 'link'), dst)  # nor a symlinked source
    assert not os.path.lexists(dst)


def test_two_backups_in_the_same_second_both_kept(tmp_path):
    dest = str(tmp_path / 'tls')
    contents = [KEY.replace('MIGH', tag) for tag in ('AAAA', 'BBBB', 'CCCC')]
    FileInstaller(dest, [FileEntry(0, 'key.pem', contents[0], '0600')], backup=True).run()
    backups = []
    for content in contents[1:]:
        result = FileInstaller(dest, [FileEntry(0, 'key.pem', content, '0600')], backup=True).run()
        backups.append(result['files'][0]['backup_file'])
    assert len(set(backups)) == 2 and [open(b).read() for b in backups] == contents[:2]
