"""The controller's record of a host's facts: where it lives, what counts as one, how it is written."""

import json
import os
import stat

import pytest

from ansible_collections.tprov.docker.plugins.plugin_utils import host_record

SETUP_FACTS = {'fqdn': 'docker1.example.test', 'os_family': 'Debian', 'distribution': 'Debian',
               'distribution_major_version': '12', 'hostname': 'docker1', 'env': {'HOME': '/root'},
               'python': {'executable': '/usr/bin/python3', 'version': {'major': 3}, 'type': 'cpython'}}


def test_a_record_keeps_only_the_facts_the_roles_read(tmp_path):
    path = host_record.record_path(str(tmp_path / 'facts'), 'docker1')
    assert path == str(tmp_path / 'facts' / 'docker1.json')
    host_record.save(path, host_record.new_record(SETUP_FACTS))
    record = host_record.load(path)
    assert set(record['facts']) == set(host_record.RECORDED_FACTS)
    assert record['facts']['python'] == {'executable': '/usr/bin/python3', 'version': {'major': 3}}
    assert record['identity'] == {}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(tmp_path / 'facts')).st_mode) == 0o700


@pytest.mark.parametrize('name', ['..', 'a/b', '../x', 'fe80::1', 'host name'])
def test_an_inventory_name_that_is_no_file_name_is_recorded_under_its_digest(tmp_path, name):
    path = host_record.record_path(str(tmp_path), name)
    assert os.path.dirname(path) == str(tmp_path)
    assert os.path.basename(path).startswith('host-') and path != host_record.record_path(str(tmp_path), name + 'x')
    assert path == host_record.record_path(str(tmp_path), name)


def test_missing_directories_are_made_0700_each_a_new_pki_dir_too(tmp_path):
    """The facts are recorded before docker_tls_pki makes docker_pki_dir: it must not appear with the umask's mode."""
    old = os.umask(0o002)
    try:
        path = host_record.record_path(str(tmp_path / 'pki' / 'host-facts'), 'docker1')
        host_record.save(path, host_record.new_record(SETUP_FACTS))
    finally:
        os.umask(old)
    for directory in (tmp_path / 'pki', tmp_path / 'pki' / 'host-facts'):
        assert stat.S_IMODE(os.stat(str(directory)).st_mode) == 0o700, directory


def test_an_untrusted_directory_is_refused_for_writing_and_for_a_missing_record(tmp_path):
    directory = tmp_path / 'shared'
    directory.mkdir()
    os.chmod(str(directory), 0o777)
    path = host_record.record_path(str(directory), 'docker1')
    with pytest.raises(host_record.RecordError, match='no other user can write'):
        host_record.load(path)
    with pytest.raises(host_record.RecordError, match='no other user can write'):
        host_record.save(path, host_record.new_record(SETUP_FACTS))
    assert not os.path.exists(path)


def test_no_directory_is_refused_naming_the_variable():
    with pytest.raises(host_record.RecordError, match='docker_host_facts_dir'):
        host_record.record_path('', 'docker1')


@pytest.mark.parametrize('content', [
    b'not json', b'[]', b'{"version": 2, "facts": {}}',
    # A fact missing, empty, or python without its executable: gathered again.
    json.dumps({'version': 1, 'facts': dict(SETUP_FACTS, fqdn='')}).encode(),
    json.dumps({'version': 1, 'facts': dict((k, v) for k, v in SETUP_FACTS.items() if k != 'os_family')}).encode(),
    json.dumps({'version': 1, 'facts': dict(SETUP_FACTS, python={'version': {}})}).encode(),
    json.dumps({'version': 1, 'facts': dict(SETUP_FACTS, python='/usr/bin/python3')}).encode(),
])
def test_anything_but_a_whole_record_means_gather_again(tmp_path, content):
    path = tmp_path / 'docker1.json'
    path.write_bytes(content)
    assert host_record.load(str(path)) is None


def test_no_record_is_none_and_a_symlink_or_a_directory_is_refused(tmp_path):
    assert host_record.load(str(tmp_path / 'missing.json')) is None
    real = tmp_path / 'real.json'
    host_record.save(str(real), host_record.new_record(SETUP_FACTS))
    link = tmp_path / 'link.json'
    link.symlink_to(real)
    with pytest.raises(host_record.RecordError, match='symlink'):
        host_record.load(str(link))
    (tmp_path / 'dir.json').mkdir()
    with pytest.raises(host_record.RecordError, match='not a regular file'):
        host_record.load(str(tmp_path / 'dir.json'))


def test_saving_replaces_a_symlink_and_never_writes_through_it(tmp_path):
    target = tmp_path / 'elsewhere'
    target.write_text('keep')
    link = tmp_path / 'docker1.json'
    link.symlink_to(target)
    host_record.save(str(link), host_record.new_record(SETUP_FACTS))
    assert target.read_text() == 'keep'
    assert not link.is_symlink() and host_record.load(str(link))['facts']['fqdn'] == 'docker1.example.test'


def test_a_directory_that_cannot_be_made_is_a_message(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('')
    with pytest.raises(host_record.RecordError, match='docker_host_facts_dir'):
        host_record.save(str(blocker / 'docker1.json'), host_record.new_record(SETUP_FACTS))


@pytest.mark.parametrize('target,mode', [('record', 0o620), ('record', 0o602), ('directory', 0o770), ('directory', 0o777)])
def test_a_record_or_directory_others_can_write_is_not_trusted(tmp_path, target, mode):
    directory = tmp_path / 'facts'
    path = host_record.record_path(str(directory), 'docker1')
    host_record.save(path, host_record.new_record(SETUP_FACTS))
    os.chmod(path if target == 'record' else str(directory), mode)
    with pytest.raises(host_record.RecordError, match='no other user can write'):
        host_record.load(path)


def test_a_record_of_another_user_is_not_trusted(tmp_path, monkeypatch):
    path = host_record.record_path(str(tmp_path / 'facts'), 'docker1')
    host_record.save(path, host_record.new_record(SETUP_FACTS))
    real_uid = os.geteuid()
    # As a user who is neither the record's owner nor root.
    monkeypatch.setattr(os, 'geteuid', lambda: real_uid + 4242)
    if real_uid == 0:
        os.chown(path, real_uid + 4242 + 1, -1)
    with pytest.raises(host_record.RecordError, match='owned by uid'):
        host_record.load(path)
