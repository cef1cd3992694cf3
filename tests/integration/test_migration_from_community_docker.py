"""Tasks written for community.docker.docker_container, run with only the module name changed
(issue 19), against the real engine: each converges, its second run changes nothing, and the
change that matters is still reported.

The default comparisons checked here are community.docker's (its docker_container ``comparisons``
documentation: sets and dicts allow more present, stop_timeout is ignored)."""

import pytest

from engine_bed import free_port
from tprov_testlib import docker, run_module


def _task(name, image, **options):
    return dict({'name': name, 'image': image, 'state': 'present', 'command': ['sleep', '300']}, **options)


# option -> (what the container is created with, fewer entries (no change by default), a new entry
# (a change)). Containers stay created, not started, so no privilege or free port is needed.
FEWER_IS_NO_CHANGE = {
    'etc_hosts': ({'db': '192.0.2.10', 'cache': '192.0.2.11'}, {'db': '192.0.2.10'}, {'db': '192.0.2.12'}),
    'tmpfs': (['/run:size=1m', '/scratch:size=1m'], ['/run:size=1m'], ['/run:size=2m']),
    'ulimits': (['nofile:1024:2048', 'nproc:64:128'], ['nofile:1024:2048'], ['nofile:2048:4096']),
    'security_opts': (['no-new-privileges', 'label=disable'], ['no-new-privileges'],
                      ['no-new-privileges', 'seccomp=unconfined']),
    # Capabilities the nested engine of the Debian 13 run has too (dockerd 26 refuses one it lacks).
    'capabilities': (['NET_ADMIN', 'SYS_ADMIN'], ['NET_ADMIN'], ['NET_ADMIN', 'KILL']),
    'cap_drop': (['MKNOD', 'NET_RAW'], ['MKNOD'], ['MKNOD', 'CHOWN']),
    'published_ports': (['127.0.0.1:18191:80', '127.0.0.1:18192:81'], ['127.0.0.1:18191:80'],
                        ['127.0.0.1:18193:80']),
    'volumes': (['/tmp:/hosttmp:ro', '/anon'], ['/tmp:/hosttmp:ro'], ['/tmp:/hosttmp']),
    'mounts': ([{'target': '/a', 'type': 'tmpfs'}, {'target': '/b', 'type': 'tmpfs'}],
               [{'target': '/a', 'type': 'tmpfs'}], [{'target': '/c', 'type': 'tmpfs'}]),
    'healthcheck': ({'test': ['CMD', 'true'], 'interval': '5s', 'retries': 2},
                    {'test': ['CMD', 'true'], 'interval': '5s'}, {'test': ['CMD', 'true'], 'interval': '6s'}),
    'log_options': ({'max-size': '1m', 'max-file': '2'}, {'max-size': '1m'}, {'max-size': '2m'}),
}


@pytest.mark.parametrize('option', sorted(FEWER_IS_NO_CHANGE))
def test_fewer_entries_than_the_container_has_is_no_change(busybox_image, unique_name, option):
    full, fewer, new = FEWER_IS_NO_CHANGE[option]
    extra = {'log_driver': 'json-file'} if option == 'log_options' else {}
    created = run_module('docker_api_container', _task(unique_name, busybox_image, **dict(extra, **{option: full})))
    assert created['changed'] and not created.failed, created
    for value in (full, fewer):
        again = run_module('docker_api_container', _task(unique_name, busybox_image, **dict(extra, **{option: value})))
        assert again['changed'] is False and again['changes'] == [], (value, again['changes'])
    # comparisons still overrides the default
    strict = run_module('docker_api_container', _task(unique_name, busybox_image, comparisons={option: 'strict'},
                                                      **dict(extra, **{option: fewer})), check=True)
    assert strict['changed'] and [c['option'] for c in strict['changes']] == [option], strict
    changed = run_module('docker_api_container', _task(unique_name, busybox_image, **dict(extra, **{option: new})))
    assert not changed.failed, changed['msg']
    assert changed['changed'] and [c['option'] for c in changed['changes']] == [option], changed
    assert changed['container']['Id'] != created['container']['Id']
    again = run_module('docker_api_container', _task(unique_name, busybox_image, **dict(extra, **{option: new})))
    assert again['changed'] is False, again['changes']


def test_a_new_stop_timeout_alone_changes_nothing(busybox_image, unique_name):
    created = run_module('docker_api_container', _task(unique_name, busybox_image, stop_timeout=5))
    assert created['changed'] and created['container']['Config']['StopTimeout'] == 5
    again = run_module('docker_api_container', _task(unique_name, busybox_image, stop_timeout=7))
    assert again['changed'] is False and again['changes'] == [], again['changes']
    strict = run_module('docker_api_container', _task(unique_name, busybox_image, stop_timeout=7,
                                                      comparisons={'stop_timeout': 'strict'}))
    assert strict['changed'] and strict['changes'] == [{'option': 'stop_timeout', 'before': 5, 'after': 7}]
    assert strict['container']['Config']['StopTimeout'] == 7


def test_command_handling_correct_and_compatibility(busybox_image, unique_name):
    task = _task(unique_name, busybox_image, command='sleep 300')
    created = run_module('docker_api_container', task)
    assert created['changed'] and created['container']['Config']['Cmd'] == ['sleep', '300']
    # correct (the default): the string and the list it splits into are the same command
    same = run_module('docker_api_container', dict(task, command=['sleep', '300'], command_handling='correct'))
    assert same['changed'] is False, same['changes']
    # compatibility: a list is joined and split again, as community.docker did before 3.0.0
    compat = dict(task, command=['sh', '-c', 'sleep 300'], command_handling='compatibility')
    made = run_module('docker_api_container', compat)
    assert made['changed'] and made['container']['Config']['Cmd'] == ['sh', '-c', 'sleep', '300']
    assert run_module('docker_api_container', compat)['changed'] is False
    # an empty command counts as not given under compatibility
    assert run_module('docker_api_container', dict(compat, command=[]))['changed'] is False
    # the same list under correct is another command: reported
    correct = run_module('docker_api_container', dict(compat, command_handling='correct'), check=True)
    assert correct['changed'] and [c['option'] for c in correct['changes']] == ['command']
    assert correct['changes'][0]['after'] == ['sh', '-c', 'sleep 300']
    # entrypoint the same way
    entry = dict(task, entrypoint=['/bin/sh', '-c sleep 300'], command_handling='compatibility')
    entry.pop('command')
    made = run_module('docker_api_container', entry)
    assert made['changed'] and made['container']['Config']['Entrypoint'] == ['/bin/sh', '-c', 'sleep', '300']
    assert run_module('docker_api_container', entry)['changed'] is False


def test_removal_wait_timeout(busybox_image, unique_name):
    task = dict(_task(unique_name, busybox_image, hostname='a'), removal_wait_timeout=30)
    assert run_module('docker_api_container', task)['changed']
    recreated = run_module('docker_api_container', dict(task, hostname='b'))
    assert recreated['changed'] and recreated['actions'][0].startswith('Recreated'), recreated
    assert run_module('docker_api_container', dict(task, hostname='b'))['changed'] is False
    gone = run_module('docker_api_container', {'name': unique_name, 'state': 'absent', 'removal_wait_timeout': 30.0})
    assert gone['changed'] and gone['container'] == {}
    assert docker('ps', '-aq', '--filter', 'name=^%s$' % unique_name).stdout.strip() == ''
    again = run_module('docker_api_container', {'name': unique_name, 'state': 'absent', 'removal_wait_timeout': 30.0})
    assert again['changed'] is False
    bad = run_module('docker_api_container', dict(task, removal_wait_timeout=-1))
    assert bad.failed and 'removal_wait_timeout' in bad['msg'] and bad['error_kind'] == 'invalid_option'


@pytest.mark.parametrize('option,value', [('cap_drop', ['ALL']), ('cap_drop', ['all']), ('capabilities', ['All'])])
def test_all_capabilities_pass_through_as_all(busybox_image, unique_name, option, value):
    key = 'CapDrop' if option == 'cap_drop' else 'CapAdd'
    created = run_module('docker_api_container', _task(unique_name, busybox_image, **{option: value}))
    assert created['changed'] and not created.failed, created.get('msg')
    assert created['container']['HostConfig'][key] == ['ALL']
    assert run_module('docker_api_container', _task(unique_name, busybox_image, **{option: value}))['changed'] is False
    changed = run_module('docker_api_container', _task(unique_name, busybox_image, **{option: ['CHOWN']}))
    assert changed['changed'] and [c['option'] for c in changed['changes']] == [option]
    assert changed['container']['HostConfig'][key] == ['CAP_CHOWN']


def test_env_values_that_are_not_strings_fail_naming_the_key(busybox_image, unique_name):
    for env in ({'TEST1': True}, {'PORT': 8080}, {'RATIO': 1.5}):
        bad = run_module('docker_api_container', _task(unique_name, busybox_image, env=env))
        assert bad.failed and bad['error_kind'] == 'invalid_option', bad
        key = list(env)[0]
        assert bad['msg'].startswith('env:') and key in bad['msg'] and 'quote' in bad['msg'], bad['msg']
    assert docker('ps', '-aq', '--filter', 'name=^%s$' % unique_name).stdout.strip() == ''
    quoted = run_module('docker_api_container', _task(unique_name, busybox_image, env={'TEST1': 'true'}))
    assert quoted['changed'] and 'TEST1=true' in quoted['container']['Config']['Env']
    assert run_module('docker_api_container', _task(unique_name, busybox_image, env={'TEST1': 'true'}))[
        'changed'] is False
    changed = run_module('docker_api_container', _task(unique_name, busybox_image, env={'TEST1': 'yes'}))
    assert changed['changed'] and [c['option'] for c in changed['changes']] == ['env']


def test_log_options_that_are_not_strings_are_converted_with_a_warning(busybox_image, unique_name):
    task = _task(unique_name, busybox_image, log_driver='json-file', log_options={'max-file': 5, 'max-size': '1m'})
    created = run_module('docker_api_container', task)
    assert created['changed'] and not created.failed, created
    assert created['container']['HostConfig']['LogConfig']['Config'] == {'max-file': '5', 'max-size': '1m'}
    warnings = created.get('warnings') or []
    assert len(warnings) == 1 and 'log_options: the value of max-file is 5' in str(warnings) and "'5'" in str(warnings)
    again = run_module('docker_api_container', task)
    assert again['changed'] is False
    quoted = run_module('docker_api_container', dict(task, log_options={'max-file': '5', 'max-size': '1m'}))
    assert quoted['changed'] is False and not quoted.get('warnings')
    changed = run_module('docker_api_container', dict(task, log_options={'max-file': 6}))
    assert changed['changed'] and [c['option'] for c in changed['changes']] == ['log_options']
    assert changed['container']['HostConfig']['LogConfig']['Config']['max-file'] == '6'


def test_host_port_range_to_one_container_port(busybox_image, unique_name):
    first = free_port()
    spec = '127.0.0.1:%d-%d:9010' % (first, first + 20)
    task = _task(unique_name, busybox_image, state='started', published_ports=[spec])
    created = run_module('docker_api_container', task)
    assert created['changed'] and not created.failed, created.get('msg')
    bound = created['container']['NetworkSettings']['Ports']['9010/tcp']
    assert bound and all(first <= int(b['HostPort']) <= first + 20 for b in bound), bound
    again = run_module('docker_api_container', task)
    assert again['changed'] is False and again['changes'] == [], again['changes']
    wider = '127.0.0.1:%d-%d:9010' % (first, first + 21)
    changed = run_module('docker_api_container', dict(task, published_ports=[wider]), check=True)
    assert changed['changed'] and [c['option'] for c in changed['changes']] == ['published_ports']
