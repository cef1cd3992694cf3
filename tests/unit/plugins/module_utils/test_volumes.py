"""volumes.py: the request's checks and the pure plan (no engine; the service is tested in
tests/integration/test_volumes.py)."""

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import volumes as vol
from ansible_collections.tprov.docker.plugins.module_utils.errors import InUse, InvalidOption


def request(**params):
    base = dict(name='data1', driver='local', state='present', recreate='never')
    base.update(params)
    return vol.VolumeRequest(base)


def inspect(**over):
    data = {'Name': 'data1', 'Driver': 'local', 'Mountpoint': '/var/lib/docker/volumes/data1/_data',
            'Labels': {'backup': 'daily', 'com.example.other': 'x'}, 'Options': {'type': 'tmpfs', 'device': 'tmpfs'},
            'Scope': 'local'}
    data.update(over)
    return data


def plan(req, volume=None, users=None):
    return vol.make_volume_plan(req, vol.VolumeObserved(volume, users))


@pytest.mark.parametrize('name', ['', 'a', '-lead', 'with space', 'a/b', 'ü-x'])
def test_bad_names_name_the_option(name):
    with pytest.raises(InvalidOption) as info:
        request(name=name)
    assert str(info.value).startswith('name: ')


def test_values_are_the_driver_and_the_declared_mappings_as_strings():
    assert request().values == {'driver': 'local'}
    assert request(labels={'n': 1}, driver_options={'o': 'size=1m'}).values == {
        'driver': 'local', 'labels': {'n': '1'}, 'driver_options': {'o': 'size=1m'}}
    with pytest.raises(InvalidOption, match='labels: the value of n is a list'):
        request(labels={'n': [1]})


def test_only_declared_keys_are_compared():
    assert vol.volume_differences(request(labels={'backup': 'daily'}, driver_options={'type': 'tmpfs'}).values,
                                  inspect()) == []
    assert vol.volume_differences(request(labels={'backup': 'weekly'}).values, inspect()) == [
        {'option': 'labels', 'before': {'backup': 'daily'}, 'after': {'backup': 'weekly'}}]
    assert vol.volume_differences(request(driver='rexray').values, inspect(Options=None, Labels=None)) == [
        {'option': 'driver', 'before': 'local', 'after': 'rexray'}]


def test_create_and_unchanged():
    created = plan(request(), None)
    assert created.create and created.changed and created.changes == []
    same = plan(request(labels={'backup': 'daily'}), inspect())
    assert not same.changed and same.warnings == []


def test_a_difference_is_only_warned_about_by_default():
    left = plan(request(labels={'backup': 'weekly'}), inspect())
    assert not left.changed and [c['option'] for c in left.changes] == ['labels']
    assert left.warnings == ['volume data1 differs from the task in labels; it was left as it is (recreate: never, '
                             'as volumes hold data). Set recreate: options-changed to recreate it - its data is lost.']


def test_options_changed_recreates_an_unused_volume_and_never_one_in_use():
    req = request(driver_options={'type': 'tmpfs', 'device': 'tmpfs', 'o': 'size=5m'}, recreate='options-changed')
    again = plan(req, inspect(), users=[])
    assert again.recreate and again.changed and again.changes[0]['option'] == 'driver_options'
    with pytest.raises(InUse) as info:
        plan(req, inspect(), users=['web', 'api'])
    assert str(info.value).startswith('volume data1 is used by containers api, web: it differs in driver_options')
    assert info.value.kind == 'in_use'


def test_absent_never_removes_a_volume_in_use():
    with pytest.raises(InUse) as info:
        plan(request(state='absent'), inspect(), users=['web'])
    assert str(info.value).startswith('volume data1 is used by container web: ')
    assert plan(request(state='absent'), inspect(), users=[]).remove
    assert not plan(request(state='absent'), None).changed


def test_wants_recreate_reads_users_only_when_needed():
    assert not vol.wants_recreate(request(labels={'backup': 'weekly'}), inspect())  # recreate: never
    assert vol.wants_recreate(request(labels={'backup': 'weekly'}, recreate='options-changed'), inspect())
    assert not vol.wants_recreate(request(recreate='options-changed'), inspect())


def test_diff():
    req = request(labels={'backup': 'weekly'}, recreate='options-changed')
    assert vol.volume_diff(plan(req, inspect(), users=[])) == {
        'before': {'driver': 'local', 'labels': {'backup': 'daily'}, 'state': 'present'},
        'after': {'driver': 'local', 'labels': {'backup': 'weekly'}, 'state': 'present'}}
    # Left alone: the diff shows no change.
    left = vol.volume_diff(plan(request(labels={'backup': 'weekly'}), inspect()))
    assert left['before'] == left['after']
    assert vol.volume_diff(plan(request(), None))['before'] == {'state': 'absent'}
    assert vol.volume_diff(plan(request(state='absent'), inspect(), users=[]))['after'] == {'state': 'absent'}
