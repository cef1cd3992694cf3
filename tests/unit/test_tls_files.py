"""docker_tls_files' backend: directory and files in one pass, atomic, keys closed and never shown."""

import os
import stat

import pytest

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
    assert moved['diff'][0]['before'].startswith('private key, sha256 ') and 'mode 0400' in moved['diff'][0]['after']
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
    assert diffs['key.pem']['after'].startswith('private key, sha256 ')
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
