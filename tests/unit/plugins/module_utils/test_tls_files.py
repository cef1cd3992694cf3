"""docker_tls_files' backend: directory and files in one pass, atomic, keys closed and never shown."""

import os
import stat

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import tls_files
from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import RollbackIncomplete
from ansible_collections.tprov.docker.plugins.module_utils.tls_files import (
    FileEntry, FileInstaller, FilesError, fingerprint, parse_mode)

KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n'
CERT = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n'


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def entries(cert=CERT, key=KEY, cert_mode='0444', key_mode='0400'):
    return [FileEntry(0, 'cert.pem', cert, cert_mode), FileEntry(1, 'key.pem', key, key_mode)]


@pytest.mark.parametrize('value, expected', [('0600', 0o600), ('600', 0o600), (0o400, 0o400), (' 0755 ', 0o755)])
def test_parse_mode(value, expected):
    assert parse_mode(value, 'mode') == expected


@pytest.mark.parametrize('value', ['rw-r--r--', '0800', '', True, None, '99999', 0o17777])
def test_parse_mode_refuses_by_name(value):
    with pytest.raises(FilesError, match=r'^files\[0\]\.mode: '):
        parse_mode(value, 'files[0].mode')


def test_a_key_may_not_be_readable_by_others():
    with pytest.raises(FilesError, match=r'files\[1\]\.mode: key\.pem holds a private key; 0640'):
        FileEntry(1, 'key.pem', KEY, '0640')
    FileEntry(1, 'cert.pem', CERT, '0644')  # a certificate may be


@pytest.mark.parametrize('name', ['', '../x', 'a/b', '.', '..'])
def test_names_are_plain_file_names(name):
    with pytest.raises(FilesError, match=r'files\[0\]\.name: '):
        FileEntry(0, name, CERT, '0644')


def test_install_then_nothing_then_content_change_with_backup(tmp_path):
    dest = str(tmp_path / 'tls')
    first = FileInstaller(dest, entries(), dir_mode=0o755, backup=True).run()
    assert first['changed'] and first['dir_changed'] and mode_of(dest) == 0o755
    assert mode_of(dest + '/key.pem') == 0o400 and mode_of(dest + '/cert.pem') == 0o444
    assert first['backups'] == [{'path': dest + '/cert.pem', 'backup': None}, {'path': dest + '/key.pem', 'backup': None}]
    assert sorted(os.listdir(dest)) == ['cert.pem', 'key.pem']  # no temp file left

    again = FileInstaller(dest, entries(), dir_mode=0o755, backup=True).run()
    assert not again['changed'] and again['backups'] == [] and again['diff'] == []

    new_key = KEY.replace('MIGH', 'XXXX')
    moved = FileInstaller(dest, entries(key=new_key), dir_mode=0o755, backup=True).run()
    assert [f['changed'] for f in moved['files']] == [False, True]
    backup = moved['files'][1]['backup_file']
    assert open(backup).read() == KEY and mode_of(backup) == 0o400  # the backup is as closed as the key
    assert moved['backups'] == [{'path': dest + '/key.pem', 'backup': backup}]
    assert moved['diff'][0]['before'].startswith('private key, keyed sha256 ') and 'mode 0400' in moved['diff'][0]['after']
    assert moved['diff'][0]['before'] != moved['diff'][0]['after']


def test_mode_only_change_is_fixed_without_new_content(tmp_path):
    dest = str(tmp_path / 'tls')
    FileInstaller(dest, entries()).run()
    os.chmod(dest + '/cert.pem', 0o666)
    fixed = FileInstaller(dest, entries()).run()
    assert fixed['changed'] and fixed['backups'] == [] and fixed['files'][0]['content_changed'] is False
    assert mode_of(dest + '/cert.pem') == 0o444


def test_check_mode_writes_nothing_and_diff_shows_certificates_only(tmp_path):
    dest = str(tmp_path / 'tls')
    planned = FileInstaller(dest, entries(), check_mode=True).run()
    assert planned['changed'] and not os.path.exists(dest)
    diffs = dict((d['after_header'].rsplit('/', 1)[1], d) for d in planned['diff'])
    assert diffs['cert.pem']['after'] == fingerprint(CERT.encode(), 0o444) and diffs['cert.pem']['before'] == ''
    assert diffs['key.pem']['after'].startswith('private key, keyed sha256 ')
    assert all('PRIVATE KEY' not in repr(d) for d in planned['diff'])


def test_bad_dest_and_duplicates_are_refused_before_writing(tmp_path):
    with pytest.raises(FilesError, match='^dest: the parent directory'):
        FileInstaller(str(tmp_path / 'no' / 'tls'), entries())
    with pytest.raises(FilesError, match='^dest: .* is not an absolute'):
        FileInstaller('relative/tls', entries())
    (tmp_path / 'file').write_text('x')
    with pytest.raises(FilesError, match='exists and is not a directory'):
        FileInstaller(str(tmp_path / 'file'), entries())
    with pytest.raises(FilesError, match=r'^files: a name is listed twice \(cert\.pem\)'):
        FileInstaller(str(tmp_path / 'tls'), entries() + [FileEntry(2, 'cert.pem', CERT, '0444')])
    with pytest.raises(FilesError, match='^owner: there is no user'):
        FileInstaller(str(tmp_path / 'tls'), entries(), owner='tprov-no-such-user')
    assert not os.path.exists(str(tmp_path / 'tls'))


def _in_child_with_little_memory(function):
    """Run function in a forked child whose address space is capped at 1 GiB; (exit code, text it returned).
    A child that reads a huge file into memory dies there (MemoryError) instead of taking the host down."""
    import resource
    import signal
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.close(read_end)
            signal.alarm(60)
            resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
            text = function()
            code = 0
        except BaseException as exc:
            text = '%s: %s' % (type(exc).__name__, exc)
        os.write(write_end, text.encode('utf-8', 'replace')[:60000])
        os._exit(code)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b''.join(chunks).decode()


def test_a_huge_sparse_file_in_dest_is_neither_read_nor_backed_up(tmp_path):
    dest = str(tmp_path / 'tls')
    FileInstaller(dest, entries()).run()
    huge = dest + '/cert.pem'
    os.truncate(huge, 8 << 30)  # 8 GiB, sparse: the directory's owner can do this to any file in it

    def refused_backup():
        try:
            FileInstaller(dest, entries(), backup=True).run()
        except FilesError as exc:
            return 'FilesError: %s' % exc
        return 'ran'
    code, text = _in_child_with_little_memory(refused_backup)
    assert code == 0 and text.startswith('FilesError: %s is 8589934592 bytes, more than' % huge), text
    assert 'not backed up and not replaced' in text and os.path.getsize(huge) == 8 << 30
    assert sorted(os.listdir(dest)) == ['cert.pem', 'key.pem']  # no partial backup

    def replaced():
        result = FileInstaller(dest, entries(), check_mode=True).run()
        planned = result['diff'][0]['before']
        result = FileInstaller(dest, entries()).run()
        return '%s|%s' % (planned, [f['content_changed'] for f in result['files']])
    code, text = _in_child_with_little_memory(replaced)
    assert code == 0 and text == 'not read: 8589934592 bytes, mode 0444\n|[True, False]', text
    assert open(huge).read() == CERT


def test_same_size_file_is_compared_without_reading_more_than_it_needs(tmp_path):
    dest = str(tmp_path / 'tls')
    FileInstaller(dest, entries()).run()
    with open(dest + '/cert.pem', 'w') as handle:
        handle.write(CERT.replace('fake', 'FAKE'))  # same size, other content
    os.chmod(dest + '/cert.pem', 0o444)
    result = FileInstaller(dest, entries()).run()
    assert [f['content_changed'] for f in result['files']] == [True, False] and open(dest + '/cert.pem').read() == CERT


def test_a_file_with_right_content_but_another_owner_is_replaced_not_adopted(tmp_path):
    """Not root's (no owner given) and the mode wrong: a new file replaces it; fchmod in place only on our own."""
    if os.geteuid() != 0:
        pytest.skip('needs root to give a file to another user')
    dest = str(tmp_path / 'tls')
    FileInstaller(dest, entries()).run()
    os.chown(dest + '/cert.pem', 65534, 65534)
    os.chmod(dest + '/cert.pem', 0o666)
    before = os.stat(dest + '/cert.pem').st_ino
    own_key = os.stat(dest + '/key.pem').st_ino
    os.chmod(dest + '/key.pem', 0o600)
    result = FileInstaller(dest, entries()).run()
    assert [f['changed'] for f in result['files']] == [True, True] and result['backups'] == []
    st = os.stat(dest + '/cert.pem')
    assert st.st_ino != before and (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 0, 0o444)
    assert os.stat(dest + '/key.pem').st_ino == own_key and mode_of(dest + '/key.pem') == 0o400


def test_a_dest_everyone_may_write_to_is_refused_naming_the_fix(tmp_path):
    dest = str(tmp_path / 'tls')
    os.mkdir(dest)
    os.chmod(dest, 0o777)
    with pytest.raises(FilesError, match=r'^dest: %s can be written by everyone \(mode 0777\).*`chmod go-w %s`'
                       % (dest, dest)):
        FileInstaller(dest, entries()).run()
    assert os.listdir(dest) == []


def test_a_held_lock_ends_in_a_message_naming_the_directory(tmp_path):
    import time
    from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import DirectoryLock, LockTimeout
    with DirectoryLock(str(tmp_path)):
        started = time.monotonic()
        with pytest.raises(LockTimeout, match='%s is locked by another run' % tmp_path):
            with DirectoryLock(str(tmp_path), timeout=0.5):
                pass
        assert time.monotonic() - started < 5
    with DirectoryLock(str(tmp_path), timeout=0.5):
        pass  # released on exit
    assert list(tmp_path.iterdir()) == []


def three(cert=CERT, key=KEY):
    return [FileEntry(0, 'ca.pem', cert, '0444'), FileEntry(1, 'cert.pem', cert, '0444'), FileEntry(2, 'key.pem', key, '0400')]


def old_set(dest):
    os.mkdir(str(dest), 0o700)
    for name in ('ca.pem', 'cert.pem', 'key.pem'):
        (dest / name).write_text('old %s\n' % name)
        os.chmod(str(dest / name), 0o400)


def test_a_write_failing_part_way_puts_the_set_back_and_leaves_no_backup(tmp_path, monkeypatch):
    dest = tmp_path / 'tls'
    old_set(dest)
    real = tls_files.write_atomic_at
    calls = []

    def full_disk_on_the_key(dir_fd, name, *args, **kwargs):
        calls.append(name)
        if name == 'key.pem':
            raise OSError(28, 'No space left on device')
        return real(dir_fd, name, *args, **kwargs)

    monkeypatch.setattr(tls_files, 'write_atomic_at', full_disk_on_the_key)
    with pytest.raises(FilesError, match='No space left on device.*put back'):
        FileInstaller(str(dest), three(), backup=True).run()
    assert calls == ['ca.pem', 'cert.pem', 'key.pem']
    # Never a new CA and certificate beside the old key, and no backup that would pass for an earlier run's.
    assert sorted(os.listdir(str(dest))) == ['ca.pem', 'cert.pem', 'key.pem']
    assert all((dest / n).read_text() == 'old %s\n' % n for n in ('ca.pem', 'cert.pem', 'key.pem'))


def test_a_rollback_that_fails_too_says_so(tmp_path, monkeypatch):
    dest = tmp_path / 'tls'
    old_set(dest)
    real = tls_files.write_atomic_at

    def full_disk_on_the_key(dir_fd, name, *args, **kwargs):
        if name == 'key.pem':
            raise OSError(28, 'No space left on device')
        return real(dir_fd, name, *args, **kwargs)

    def restore_fails(entries):
        return [], [dict(path=e['path'], backup=e['backup'], error='disk full') for e in entries]

    monkeypatch.setattr(tls_files, 'write_atomic_at', full_disk_on_the_key)
    monkeypatch.setattr(tls_files, 'restore_files', restore_fails)
    with pytest.raises(RollbackIncomplete) as caught:
        FileInstaller(str(dest), three(), backup=True).run()
    assert [os.path.basename(e['path']) for e in caught.value.not_restored] == ['ca.pem', 'cert.pem', 'key.pem']


def test_every_file_is_checked_before_any_is_written(tmp_path):
    dest = tmp_path / 'tls'
    old_set(dest)
    os.link(str(dest / 'key.pem'), str(tmp_path / 'another-name'))
    with pytest.raises(FilesError, match='hard links'):
        FileInstaller(str(dest), three(), backup=True).run()
    assert (dest / 'ca.pem').read_text() == 'old ca.pem\n' and sorted(os.listdir(str(dest))) == ['ca.pem', 'cert.pem', 'key.pem']


def test_backups_are_found_where_the_installer_would_write(tmp_path):
    dest = tmp_path / 'tls'
    old_set(dest)
    FileInstaller(str(dest), three(), backup=True).run()
    os.chmod(str(dest), 0o770)  # group-writable, but the group (root's) has no other member: the installer writes here
    os.chown(str(dest), 0, 0)
    found = tls_files.backups_in(str(dest), {'ca.pem', 'cert.pem', 'key.pem'})
    assert [os.path.basename(p).split('.')[0] for p in found] == ['ca', 'cert', 'key']
    assert tls_files.backups_in(str(dest), {'ca.pem'}) == found[:1]
    os.chmod(str(dest), 0o777)
    with pytest.raises(FilesError, match='Another user could plant a backup there'):
        tls_files.backups_in(str(dest), {'ca.pem'})
