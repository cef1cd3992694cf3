"""Recreating an auto_remove container, and what an interrupted recreate leaves behind, against the
real engine (issue 13, item 14)."""

import json
import time

from tprov_testlib import docker, run_module


def running_id(name):
    return docker('ps', '-q', '--no-trunc', '--filter', 'name=^%s$' % name).stdout.strip()


def all_named(fragment):
    return docker('ps', '-a', '--format', '{{.Names}}', '--filter', 'name=%s' % fragment).stdout.split()


def base(busybox_image, name, **extra):
    return dict({'name': name, 'image': busybox_image, 'command': 'sleep 300', 'auto_remove': True,
                 'force_kill': True}, **extra)


def test_auto_remove_container_survives_a_new_one_that_fails_to_start(busybox_image, unique_name):
    first = run_module('docker_api_container', base(busybox_image, unique_name))
    old_id = first['container']['Id']
    # The new container is created, but its start fails (no such executable): the old one must still be there.
    result = run_module('docker_api_container', base(busybox_image, unique_name, command='/tprov-no-such-binary'))
    assert result.failed and result['msg'].startswith('Container %s runs with auto_remove' % unique_name), result['msg']
    assert 'was put back' in result['msg'] and 'auto_remove: false' in result['msg']
    assert running_id(unique_name) == old_id  # the same container, under its name, still running
    assert all_named(unique_name) == [unique_name]  # no new one left, nothing parked


def test_auto_remove_container_recreated_when_the_new_one_starts(busybox_image, unique_name):
    first = run_module('docker_api_container', base(busybox_image, unique_name))
    moved = run_module('docker_api_container', base(busybox_image, unique_name, env={'V': '2'}))
    assert moved['changed'] and not moved.failed, moved
    assert running_id(unique_name) == moved['container']['Id'] != first['container']['Id']
    assert all_named(unique_name) == [unique_name]
    assert run_module('docker_api_container', base(busybox_image, unique_name, env={'V': '2'}))['changed'] is False


def test_auto_remove_container_holding_a_port_is_not_lost(busybox_image, unique_name):
    args = base(busybox_image, unique_name, published_ports=['127.0.0.1:18932:80'])
    old_id = run_module('docker_api_container', args)['container']['Id']
    result = run_module('docker_api_container', dict(args, env={'V': '2'}))
    assert result.failed and 'runs with auto_remove' in result['msg'] and 'state: absent' in result['msg']
    assert running_id(unique_name) == old_id


# Runs while V is 1; with any other V it exits with code 3 after 0.3 s - started, then gone.
EXITS_WHEN_RECREATED = ['sh', '-c',
                        'if [ "$V" != 1 ]; then sleep 0.3; echo tprov-late-exit; exit 3; fi; exec sleep 300']


def test_auto_remove_container_kept_when_the_new_one_exits_moments_after_starting(busybox_image, unique_name):
    args = base(busybox_image, unique_name, command=EXITS_WHEN_RECREATED)
    old_id = run_module('docker_api_container', dict(args, env={'V': '1'}))['container']['Id']
    result = run_module('docker_api_container', dict(args, env={'V': '2'}))
    # The start call succeeded; the process died 0.3 s later and auto_remove deleted it.
    assert result.failed and 'runs with auto_remove' in result['msg'], result
    assert 'exited with code 3' in result['msg'] and 'was put back' in result['msg'], result['msg']
    time.sleep(1)
    assert running_id(unique_name) == old_id  # the old one, under its name, still running
    assert all_named(unique_name) == [unique_name]
    assert run_module('docker_api_container', dict(args, env={'V': '1'}))['changed'] is False


def test_auto_remove_container_kept_when_the_new_one_never_gets_healthy(busybox_image, unique_name):
    args = base(busybox_image, unique_name, wait=True, wait_timeout=20)
    old_id = run_module('docker_api_container', args)['container']['Id']
    result = run_module('docker_api_container', dict(args, healthcheck={
        'test': ['CMD', 'false'], 'interval': '1s', 'timeout': '1s', 'retries': 1}))
    assert result.failed and 'runs with auto_remove' in result['msg'] and 'unhealthy' in result['msg'], result
    assert running_id(unique_name) == old_id and all_named(unique_name) == [unique_name]


def test_wait_reports_an_auto_remove_container_that_exits(busybox_image, unique_name):
    args = base(busybox_image, unique_name, command=EXITS_WHEN_RECREATED, env={'V': '2'}, wait=True,
                wait_timeout=30)
    started = time.time()
    result = run_module('docker_api_container', args)
    assert result.failed and 'did not keep running' in result['msg'] and 'auto_remove deleted it' in result['msg']
    assert time.time() - started < 20, 'waited for wait_timeout instead of seeing the container gone'


def park(name):
    """What a recreate interrupted after parking the old container leaves: it under the parked name."""
    cid = docker('inspect', '--format', '{{.Id}}', name).stdout.strip()
    parked = '%s-tprov-replaced-%s' % (name, cid[:12])
    docker('rename', name, parked)
    return cid, parked


def test_parked_container_restored_when_the_wanted_one_is_missing(busybox_image, unique_name):
    args = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300', 'force_kill': True}
    cid = run_module('docker_api_container', args)['container']['Id']
    _cid, parked = park(unique_name)
    check = run_module('docker_api_container', args, check=True)
    assert 'Restored container %s from %s (left by an interrupted recreate)' % (unique_name, parked) in check['actions']
    assert all_named(unique_name) == [parked]  # check mode: nothing done
    result = run_module('docker_api_container', args)
    assert result['changed'] and running_id(unique_name) == cid and all_named(unique_name) == [unique_name]
    assert run_module('docker_api_container', args)['changed'] is False


def test_parked_container_removed_when_the_wanted_one_serves(busybox_image, unique_name):
    args = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300', 'force_kill': True}
    run_module('docker_api_container', args)
    old_id, parked = park(unique_name)
    # The interrupted run had already created and started the new container under the name.
    new_id = docker('run', '-d', '--name', unique_name, busybox_image, 'sleep', '300').stdout.strip()
    result = run_module('docker_api_container', dict(args, comparisons={'*': 'ignore'}))
    assert 'Removed container %s (left by an interrupted recreate; %s is running)' % (parked, unique_name) \
        in result['actions'], result['actions']
    assert running_id(unique_name) == new_id and all_named(unique_name) == [unique_name]
    assert docker('inspect', old_id, check=False).returncode != 0


def test_never_started_new_one_gives_way_to_the_serving_parked_one(busybox_image, unique_name):
    args = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300', 'force_kill': True}
    old_id = run_module('docker_api_container', args)['container']['Id']
    park(unique_name)
    docker('create', '--name', unique_name, busybox_image, 'sleep', '301')  # created, never started
    result = run_module('docker_api_container', args)
    assert running_id(unique_name) == old_id and all_named(unique_name) == [unique_name], result
    assert result['changed'] is True


def test_prune_never_removes_a_serving_parked_container(busybox_image, unique_name):
    label = unique_name
    spec = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300', 'force_kill': True, 'pull': 'never'}
    run_module('docker_api_containers', {'containers': [spec], 'managed_label_value': label})
    old_id, parked = park(unique_name)
    # Its entry is gone from the list too: prune runs over what is left under the managed label.
    result = run_module('docker_api_containers', {'containers': [], 'prune': True, 'managed_label_value': label})
    assert not result.failed and parked not in result['pruned'], result
    assert running_id(parked) == old_id
    # Declared again: reconciled, the parked one gets its name back.
    again = run_module('docker_api_containers', {'containers': [spec], 'prune': True, 'managed_label_value': label})
    assert running_id(unique_name) == old_id and all_named(unique_name) == [unique_name], json.dumps(again)[:2000]
