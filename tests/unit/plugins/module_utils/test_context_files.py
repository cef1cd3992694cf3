"""context_files.py: a bundle's Docker CLI contexts written, kept, pruned and removed, as the CLI lays them out."""

import json
import os
import stat

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import context_files, docker_context
from ansible_collections.tprov.docker.plugins.module_utils.tls_files import FilesError

KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAkey\n-----END PRIVATE KEY-----\n'
TLS = {'ca.pem': '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n',
       'cert.pem': '-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n', 'key.pem': KEY}


class FakeModule(object):
    def __init__(self, check_mode=False, diff=False, **params):
        self.params = dict(dict(state='present', contexts=[], prune=False, keep_hosts=[], owner=None, group=None, ca_content=None,
                                cert_content=None, key_content=None), **params)
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def fail_json(self, msg, **kwargs):
        raise AssertionError(msg)


def run(config, contexts, bundle='admin', tls=None, **kwargs):
    tls = tls or TLS
    module = FakeModule(config_dir=str(config), bundle=bundle, contexts=contexts, ca_content=tls['ca.pem'],
                        cert_content=tls['cert.pem'], key_content=tls['key.pem'], **kwargs)
    result = context_files.run(module)
    return result, module


def ctx(host):
    return {'name': 'tprov-' + host, 'docker_host': 'tcp://%s:2376' % host, 'host': host}


def mode_of(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_writes_the_cli_layout_then_nothing_then_updates(tmp_path):
    first, _module = run(tmp_path, [ctx('d1')])
    assert first['changed'] and first['contexts'][0]['changed']
    meta_dir = docker_context.meta_dir(str(tmp_path), 'tprov-d1')
    tls_dir = docker_context.tls_dir(str(tmp_path), 'tprov-d1')
    meta = json.load(open(os.path.join(meta_dir, 'meta.json')))
    assert meta == docker_context.context_meta('tprov-d1', 'tcp://d1:2376', 'admin', 'd1')
    assert sorted(os.listdir(tls_dir)) == ['ca.pem', 'cert.pem', 'key.pem']
    assert open(os.path.join(tls_dir, 'key.pem')).read() == KEY
    assert [mode_of(os.path.join(tls_dir, f)) for f in sorted(os.listdir(tls_dir))] == [0o600] * 3
    assert mode_of(tls_dir) == mode_of(os.path.dirname(tls_dir)) == 0o700
    assert mode_of(meta_dir) == 0o755 and mode_of(os.path.join(meta_dir, 'meta.json')) == 0o644

    again, _module = run(tmp_path, [ctx('d1')])
    assert not again['changed']

    renewed = dict(TLS, **{'cert.pem': TLS['cert.pem'].replace('cert', 'cert2')})
    updated, _module = run(tmp_path, [ctx('d1')], tls=renewed)
    assert updated['changed'] and 'cert2' in open(os.path.join(tls_dir, 'cert.pem')).read()


def test_check_mode_writes_nothing_and_reports_the_change(tmp_path):
    result, _module = run(tmp_path, [ctx('d1'), ctx('d2')], check_mode=True)
    assert result['changed'] and all(c['changed'] for c in result['contexts'])
    assert os.listdir(tmp_path) == []


def test_diff_never_shows_the_key(tmp_path):
    result, _module = run(tmp_path, [ctx('d1')], diff=True)
    assert result['diff'] and 'MIGHAgEAkey' not in json.dumps(result['diff'])


def test_prune_removes_only_this_bundles_contexts_for_hosts_that_left(tmp_path):
    run(tmp_path, [ctx('d1'), ctx('d2')])
    run(tmp_path, [ctx('d3')], bundle='ci')
    # A user's own context, made by hand with the CLI's layout.
    own_meta = docker_context.meta_dir(str(tmp_path), 'mine')
    os.makedirs(own_meta)
    with open(os.path.join(own_meta, 'meta.json'), 'w') as handle:
        json.dump({'Name': 'mine', 'Metadata': {}, 'Endpoints': {'docker': {'Host': 'tcp://x:1'}}}, handle)
    result, _module = run(tmp_path, [ctx('d1')], prune=True)
    assert result['removed'] == ['tprov-d2'] and result['changed']
    assert not os.path.exists(docker_context.meta_dir(str(tmp_path), 'tprov-d2'))
    assert not os.path.exists(os.path.dirname(docker_context.tls_dir(str(tmp_path), 'tprov-d2')))
    for kept in ('tprov-d1', 'tprov-d3', 'mine'):
        assert os.path.exists(docker_context.meta_dir(str(tmp_path), kept))
    assert not run(tmp_path, [ctx('d1')], prune=True)[0]['changed']


def test_prune_keeps_a_host_of_the_play_not_written_now_and_renames(tmp_path):
    run(tmp_path, [ctx('d1'), ctx('d2')])
    renamed = dict(ctx('d1'), name='ops-d1')
    result, _module = run(tmp_path, [renamed], prune=True, keep_hosts=['d1', 'd2'])
    assert result['removed'] == ['tprov-d1']  # d1 has a new name; d2 (failed earlier in the play) keeps its own
    assert os.path.exists(docker_context.meta_dir(str(tmp_path), 'tprov-d2'))


def test_check_mode_before_the_bundle_directory_exists(tmp_path):
    result, _module = run(tmp_path / 'missing', [ctx('d1')], check_mode=True)
    assert result['changed'] and result['contexts'][0]['changed'] and not os.path.exists(tmp_path / 'missing')


def test_state_absent_removes_every_context_of_the_bundle(tmp_path):
    run(tmp_path, [ctx('d1'), ctx('d2')], bundle='alice')
    run(tmp_path, [ctx('d1')], bundle='admin')  # same name, another bundle: rewritten as admin's
    run(tmp_path, [{'name': 'al-d3', 'docker_host': 'tcp://d3:2376'}], bundle='alice')
    module = FakeModule(config_dir=str(tmp_path), bundle='alice', state='absent', check_mode=True)
    assert sorted(context_files.run(module)['removed']) == ['al-d3', 'tprov-d2']
    assert os.path.exists(docker_context.meta_dir(str(tmp_path), 'tprov-d2'))  # check mode
    module = FakeModule(config_dir=str(tmp_path), bundle='alice', state='absent')
    assert sorted(context_files.run(module)['removed']) == ['al-d3', 'tprov-d2']
    assert os.path.exists(docker_context.tls_dir(str(tmp_path), 'tprov-d1'))
    assert sorted(os.listdir(tmp_path / 'contexts' / 'meta')) == [docker_context.context_id('tprov-d1')]


def test_a_users_own_context_of_the_same_name_is_left_alone(tmp_path):
    own_meta = docker_context.meta_dir(str(tmp_path), 'tprov-d1')
    os.makedirs(own_meta)
    mine = json.dumps({'Name': 'tprov-d1', 'Metadata': {}, 'Endpoints': {'docker': {'Host': 'ssh://me@d1'}}})
    with open(os.path.join(own_meta, 'meta.json'), 'w') as handle:
        handle.write(mine)
    result, module = run(tmp_path, [ctx('d1')])
    assert result['contexts'][0].get('skipped') and not result['changed']
    assert 'was not made by tprov.docker' in module.warnings[0]
    assert open(os.path.join(own_meta, 'meta.json')).read() == mine


def test_a_file_a_user_added_keeps_its_directory(tmp_path):
    run(tmp_path, [ctx('d1')], bundle='alice')
    extra = os.path.join(docker_context.tls_dir(str(tmp_path), 'tprov-d1'), 'notes.txt')
    open(extra, 'w').write('mine')
    module = FakeModule(config_dir=str(tmp_path), bundle='alice', state='absent')
    assert context_files.run(module)['removed'] == ['tprov-d1']
    assert os.listdir(os.path.dirname(extra)) == ['notes.txt'] and 'left in place' in module.warnings[0]
    assert not os.path.exists(docker_context.meta_dir(str(tmp_path), 'tprov-d1'))


@pytest.mark.skipif(os.geteuid() != 0, reason='plants a link as another user: needs root')
def test_a_symlinked_meta_dir_planted_by_the_user_is_not_followed(tmp_path):
    user_dir = tmp_path / 'home-nobody' / '.docker'
    target = tmp_path / 'target'
    os.makedirs(str(user_dir / 'contexts'))
    os.makedirs(str(target))
    for path in (tmp_path / 'home-nobody', user_dir, user_dir / 'contexts'):
        os.chown(str(path), 65534, 65534)
    os.symlink(str(target), str(user_dir / 'contexts' / 'meta'))
    os.lchown(str(user_dir / 'contexts' / 'meta'), 65534, 65534)
    module = FakeModule(config_dir=str(user_dir), bundle='admin', contexts=[ctx('d1')], owner='65534',
                        ca_content=TLS['ca.pem'], cert_content=TLS['cert.pem'], key_content=KEY)
    with pytest.raises(AssertionError, match='is a symbolic link in .*refusing to follow it'):
        context_files.run(module)
    assert os.listdir(str(target)) == []


@pytest.mark.parametrize('contexts, words', [
    ([{'name': 'default', 'docker_host': 'tcp://x:1'}], 'not a usable context name'),
    ([{'name': 'a/b', 'docker_host': 'tcp://x:1'}], 'not a usable context name'),
    ([ctx('d1'), ctx('d1')], 'given twice'),
])
def test_bad_names_are_refused_before_anything_is_written(tmp_path, contexts, words):
    with pytest.raises(AssertionError, match=words):
        run(tmp_path, contexts)


def test_config_dir_must_exist(tmp_path):
    with pytest.raises(AssertionError, match='config_dir: .* does not exist'):
        run(tmp_path / 'missing', [ctx('d1')])


def test_files_error_is_the_writers(tmp_path):
    with pytest.raises(FilesError):
        context_files.ContextWriter('relative/dir', 'admin')


def test_absent_without_the_directory_is_no_change(tmp_path):
    module = FakeModule(config_dir=str(tmp_path / 'missing'), bundle='alice', state='absent')
    assert context_files.run(module) == dict(changed=False, removed=[], contexts=[])


def test_a_broken_meta_json_under_the_name_is_not_taken_over(tmp_path):
    meta_dir = docker_context.meta_dir(str(tmp_path), 'tprov-d1')
    os.makedirs(meta_dir)
    open(os.path.join(meta_dir, 'meta.json'), 'w').write('{half')
    result, _module = run(tmp_path, [ctx('d1')])
    assert result['contexts'][0].get('skipped') and open(os.path.join(meta_dir, 'meta.json')).read() == '{half'
