"""file_transaction: one naming scheme, one bounded reader, one backup and restore path."""

import errno
import os
import stat
import threading

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import file_transaction
from ansible_collections.tprov.docker.plugins.module_utils.tls_files import FileEntry, FileInstaller

KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n'


def test_backup_names_beside_and_in_a_directory_are_one_scheme():
    stamp = '20261130T120000'
    beside = file_transaction.backup_name('/etc/docker/tls/key.pem', stamp)
    assert beside == '/etc/docker/tls/key.pem.20261130T120000.tprov-backup'
    assert file_transaction.backup_name('/etc/docker/daemon.json', stamp, '-2', directory='/var/b') == \
        '/var/b/etc_docker_daemon.json.20261130T120000-2.tprov-backup'
    assert file_transaction.parse_backup_name(beside) == ('/etc/docker/tls/key.pem', stamp, 0)
    assert file_transaction.parse_backup_name(beside.replace('00.tprov', '00-3.tprov')) == (
        '/etc/docker/tls/key.pem', stamp, 3)
    assert file_transaction.parse_backup_name('/etc/docker/tls/key.pem') is None


def test_pair_replacement_leaves_a_file_named_like_a_rollback_link_alone(tmp_path):
    # The old content is kept under a fresh temporary name while the pair changes; a file that merely
    # has the name a fixed scheme would pick (NAME.tprov-rollback) is not the run's to delete.
    key, cert = str(tmp_path / 'k'), str(tmp_path / 'c')
    file_transaction.write_pair_atomic((key, b'old-key', 0o600), (cert, b'old-cert', 0o644))
    bystander = tmp_path / 'k.tprov-rollback'
    bystander.write_text('not ours\n')
    file_transaction.write_pair_atomic((key, b'new-key', 0o600), (cert, b'new-cert', 0o644))
    assert bystander.read_text() == 'not ours\n'
    assert sorted(os.listdir(str(tmp_path))) == ['c', 'k', 'k.tprov-rollback']


def test_a_fifo_where_a_file_is_read_is_refused_not_waited_on(tmp_path):
    # A certificate path that is a FIFO made the run wait for ever for a writer.
    from ansible_collections.tprov.docker.plugins.module_utils import tls_cert
    fifo = str(tmp_path / 'cert.pem')
    os.mkfifo(fifo)
    outcome = []

    def plan():
        try:
            tls_cert.CertificatePlan(tls_cert.CertificateRequest('ca'), fifo, str(tmp_path / 'key.pem'))
        except OSError as exc:
            outcome.append(exc.errno)
    worker = threading.Thread(target=plan, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), 'reading the FIFO blocked'
    assert outcome == [errno.EINVAL]


def test_a_file_larger_than_the_limit_is_not_read(tmp_path):
    big = tmp_path / 'daemon.json'
    with open(str(big), 'wb') as handle:
        handle.truncate(file_transaction.MAX_FILE_SIZE + 1)  # sparse: no disk used
    with pytest.raises(OSError) as info:
        file_transaction.read_file(str(big))
    assert info.value.errno == errno.EFBIG
    assert file_transaction.read_file(str(tmp_path / 'missing')) is None


def test_docker_tls_files_backups_restore_through_restore_files(tmp_path):
    # The contract between docker_tls_files (its backups) and docker_daemon_config state=restored.
    dest = str(tmp_path / 'tls')
    FileInstaller(dest, [FileEntry(0, 'server-key.pem', KEY, '0400')], backup=True).run()
    result = FileInstaller(dest, [FileEntry(0, 'server-key.pem', KEY.replace('MIGH', 'XXXX'), '0400')],
                           backup=True).run()
    assert file_transaction.parse_backup_name(result['backups'][0]['backup'])[0] == result['backups'][0]['path']
    assert file_transaction.restore_files(result['backups']) == ([result['backups'][0]['path']], [])
    restored = result['backups'][0]['path']
    assert open(restored).read() == KEY and stat.S_IMODE(os.stat(restored).st_mode) == 0o400


def test_a_symlink_at_the_first_path_is_never_hard_linked_through(tmp_path, monkeypatch):
    # Python 3.14 makes os.link follow symlinks by default. A symlink a user plants where the key goes
    # must then neither become a root-made hard link to its target nor lose its place: the second rename
    # fails, and the rollback puts the link itself back.
    victim = tmp_path / 'victim-key.pem'
    victim.write_bytes(b'root only')
    victim.chmod(0o400)
    key, cert = str(tmp_path / 'key.pem'), str(tmp_path / 'cert.pem')
    os.symlink(str(victim), key)
    os.mkdir(cert)
    (tmp_path / 'cert.pem' / 'x').write_bytes(b'')  # a non-empty directory: the second rename fails
    real_link = os.link

    def following_link(src, dst, *, src_dir_fd=None, dst_dir_fd=None, follow_symlinks=True):
        # linkat(AT_SYMLINK_FOLLOW), as 3.14 does; 3.11's plain link(2) would not follow.
        return real_link(os.path.realpath(src) if follow_symlinks else src, dst, follow_symlinks=False)

    monkeypatch.setattr(os, 'link', following_link)
    with pytest.raises(OSError):
        file_transaction.write_pair_atomic((key, b'new-key', 0o600), (cert, b'new-cert', 0o644))
    assert os.path.islink(key) and os.readlink(key) == str(victim)
    assert os.stat(str(victim)).st_nlink == 1
    assert sorted(os.listdir(str(tmp_path))) == ['cert.pem', 'key.pem', 'victim-key.pem']


def test_backup_stamps_are_utc_so_that_they_sort_by_age_across_a_time_zone_change(monkeypatch):
    import time
    monkeypatch.setenv('TZ', 'America/Los_Angeles')
    time.tzset()
    try:
        before = time.strftime('%Y%m%dT%H%M%S', time.gmtime())
        stamp = file_transaction.parse_backup_name(file_transaction.backup_name('/etc/docker/tls/ca.pem'))[1]
        after = time.strftime('%Y%m%dT%H%M%S', time.gmtime())
        assert before <= stamp <= after
    finally:
        monkeypatch.delenv('TZ')
        time.tzset()


def test_untrusted_ancestor_finds_the_first_directory_another_user_could_use(tmp_path):
    from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import untrusted_ancestor
    target = tmp_path / 'a' / 'b' / 'pki'
    target.mkdir(parents=True)
    assert untrusted_ancestor(str(target)) is None  # tmp_path's own parents: root's, or sticky (/tmp)
    os.chmod(str(tmp_path / 'a'), 0o1777)
    assert untrusted_ancestor(str(target)) is None  # sticky: others cannot rename what is not theirs
    os.chmod(str(tmp_path / 'a'), 0o775)
    found = untrusted_ancestor(str(target))
    assert found and found[0] == str(tmp_path / 'a')
    os.chmod(str(tmp_path / 'a'), 0o755)
    # A path that does not exist yet is judged by the directories that do.
    assert untrusted_ancestor(str(target / 'not' / 'yet')) is None
