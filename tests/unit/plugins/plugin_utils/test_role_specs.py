"""role_specs: the roles' argument specs merged for docker_role_arguments, and secure_docker.yml checks every
role it imports without their own checks."""

import os

import pytest
import yaml

from ansible_collections.tprov.docker.plugins.plugin_utils import role_specs
from tprov_testlib import REPO_ROOT


def _write_spec(roles_dir, role, options, entry_point='main'):
    meta = roles_dir.join(role, 'meta')
    meta.ensure(dir=True)
    meta.join('argument_specs.yml').write(yaml.safe_dump(
        {'argument_specs': {entry_point: {'short_description': role, 'options': options}}}))


@pytest.fixture
def roles_dir(tmpdir, monkeypatch):
    monkeypatch.setattr(role_specs, 'ROLES_DIR', str(tmpdir))
    monkeypatch.setattr(role_specs, '_OPTIONS', {})
    return tmpdir


def test_the_collections_roles_merge_without_conflict():
    merged = role_specs.merged_options(['pki', 'daemon', 'tprov.docker.client', 'containers'])
    for role in ('pki', 'daemon', 'client', 'containers'):
        assert set(role_specs.entry_point_options(role)) <= set(merged)
    assert merged['docker_daemon_tls_port']['type'] == 'int'


def test_a_shared_variable_may_be_described_differently_but_not_typed_differently(roles_dir):
    _write_spec(roles_dir, 'one', {'shared': {'type': 'int', 'description': 'as one sees it'}})
    _write_spec(roles_dir, 'two', {'shared': {'type': 'int', 'description': 'as two sees it'}})
    _write_spec(roles_dir, 'three', {'shared': {'type': 'str', 'description': 'as one sees it'}})
    assert role_specs.merged_options(['one', 'two'])['shared']['type'] == 'int'
    with pytest.raises(role_specs.RoleSpecError, match=r'tprov.docker.one and tprov.docker.three declare shared'):
        role_specs.merged_options(['one', 'two', 'three'])


@pytest.mark.parametrize('role, message', [
    ('nosuch', r'roles: tprov.docker.nosuch has no meta/argument_specs.yml'),
    ('../etc', r"roles: '../etc' is not a role of tprov.docker"),
    ('other.collection.role', r"is not a role of tprov.docker"),
    ('', r"is not a role of tprov.docker"),
    ('pki\x00', r"is not a role of tprov.docker"),
])
def test_a_role_that_is_not_the_collections_is_named(roles_dir, role, message):
    with pytest.raises(role_specs.RoleSpecError, match=message):
        role_specs.merged_options([role])


def test_a_missing_entry_point_names_the_ones_there_are(roles_dir):
    _write_spec(roles_dir, 'one', {'a': {'type': 'str'}})
    with pytest.raises(role_specs.RoleSpecError, match=r"entry_point: tprov.docker.one has no entry point 'other' "
                                                       r"\(it has main\)"):
        role_specs.merged_options(['one'], 'other')


def test_secure_docker_checks_each_role_it_imports_without_its_own_check():
    with open(os.path.join(REPO_ROOT, 'playbooks', 'secure_docker.yml')) as handle:
        play = yaml.safe_load(handle)[0]
    tasks = play['tasks']
    # The facts first (a variable may be templated from them), then the check, then the roles.
    assert tasks[0]['ansible.builtin.import_role'] == {'name': 'tprov.docker.common', 'tasks_from': 'facts.yml'}
    check = tasks[1]
    roles = check['tprov.docker.docker_role_arguments']['roles']
    imported = [task['ansible.builtin.import_role'] for task in tasks[2:] if 'ansible.builtin.import_role' in task]
    assert not [role['name'] for role in imported if role.get('rolespec_validate', True)]  # checked by the task
    for role in imported:
        assert "'%s'" % role['name'].split('.')[-1] in roles, role  # every imported role is in the list checked
    assert "reject('in', ansible_skip_tags)" in roles  # a role skipped by its tag is not checked, as before
    assert tasks[0]['tags'] == check['tags'] == ['always']


def test_preload_reads_every_role_and_leaves_a_broken_one_to_its_task(roles_dir):
    _write_spec(roles_dir, 'one', {'a': {'type': 'int'}})
    roles_dir.join('broken', 'meta').ensure(dir=True)
    roles_dir.join('broken', 'meta', 'argument_specs.yml').write('argument_specs: [')
    roles_dir.join('no_spec').ensure(dir=True)
    roles_dir.join('listed', 'meta').ensure(dir=True)
    roles_dir.join('listed', 'meta', 'argument_specs.yml').write('argument_specs: {main: [x]}')
    role_specs.preload()  # never raises
    assert role_specs._OPTIONS == {('one', 'main'): {'a': {'type': 'int'}}}
    with pytest.raises(role_specs.RoleSpecError, match=r'meta/argument_specs.yml of tprov.docker.broken cannot be read'):
        role_specs.merged_options(['broken'])
    with pytest.raises(role_specs.RoleSpecError, match=r'not a mapping of entry points'):
        role_specs.merged_options(['listed'])


def test_preload_without_a_roles_directory_does_nothing(roles_dir, monkeypatch):
    monkeypatch.setattr(role_specs, 'ROLES_DIR', str(roles_dir.join('absent')))
    role_specs.preload()
    assert role_specs._OPTIONS == {}


@pytest.mark.parametrize('text, message', [
    ('argument_specs: {1: {options: {}}}', 'not a mapping of entry points'),
    ('argument_specs: {main: {options: {a: 1}}}', 'options of entry point .main. of tprov.docker.odd are not a mapping'),
    ('argument_specs: {main: {options: {a: {type: dict, options: {b: [x]}}}}}', 'the suboptions of a in the options'),
    ('argument_specs: {main: {options: [a]}}', 'are not a mapping of option names'),
])
def test_a_malformed_spec_is_named_not_a_traceback(roles_dir, text, message):
    roles_dir.join('odd', 'meta').ensure(dir=True)
    roles_dir.join('odd', 'meta', 'argument_specs.yml').write(text)
    with pytest.raises(role_specs.RoleSpecError, match=message):
        role_specs.merged_options(['odd'])
    role_specs.preload()  # never raises
