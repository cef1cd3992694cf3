"""docker_api_volume and docker_api_volume_info against the real engine; the action group
(module_defaults: group/tprov.docker.docker_api) against the TLS-only engine."""

import json
import uuid

import pytest

from tprov_testlib import docker, run_module


def inspect(name):
    proc = docker('volume', 'inspect', name, check=False)
    return json.loads(proc.stdout)[0] if proc.returncode == 0 else None


@pytest.fixture
def vol():
    """A unique volume name; the volume, and containers named after it, are removed afterwards."""
    name = 'tprov-it-vol-%s' % uuid.uuid4().hex[:8]
    yield name
    ids = docker('ps', '-aq', '--filter', 'name=%s' % name, check=False).stdout.split()
    if ids:
        docker('rm', '-f', *ids, check=False)
    docker('volume', 'rm', '-f', name, check=False)


TMPFS = {'type': 'tmpfs', 'device': 'tmpfs', 'o': 'size=1m'}


def test_create_rerun_check_diff_and_absent_twice(vol):
    args = dict(name=vol, driver_options=TMPFS, labels={'backup': 'daily', 'n': 1})
    predicted = run_module('docker_api_volume', args, check=True, diff=True)
    assert predicted['changed'] is True and predicted['actions'] == ['Created volume %s' % vol], predicted
    assert predicted['diff']['before'] == {'state': 'absent'} and inspect(vol) is None

    created = run_module('docker_api_volume', args, diff=True)
    assert created['changed'] is True and created['volume']['Name'] == vol, created
    made = inspect(vol)
    assert made['Driver'] == 'local' and made['Options'] == TMPFS and made['Labels'] == {'backup': 'daily', 'n': '1'}
    assert created['diff']['after'] == {'driver': 'local', 'driver_options': TMPFS,
                                        'labels': {'backup': 'daily', 'n': '1'}, 'state': 'present'}

    again = run_module('docker_api_volume', args, diff=True)
    assert again['changed'] is False and again['changes'] == [] and again['actions'] == [], again
    assert again['diff']['before'] == again['diff']['after']
    assert run_module('docker_api_volume', args, check=True)['changed'] is False
    assert run_module('docker_api_volume', {'name': vol})['changed'] is False  # undeclared keys not compared

    assert run_module('docker_api_volume', {'name': vol, 'state': 'absent'}, check=True)['changed'] is True
    assert inspect(vol) is not None
    removed = run_module('docker_api_volume', {'name': vol, 'state': 'absent'}, diff=True)
    assert removed['changed'] is True and removed['diff']['after'] == {'state': 'absent'} and inspect(vol) is None
    assert run_module('docker_api_volume', {'name': vol, 'state': 'absent'})['changed'] is False


def test_a_difference_is_a_warning_unless_recreate_says_otherwise(vol):
    assert run_module('docker_api_volume', {'name': vol, 'labels': {'v': '1'}})['changed'] is True
    created_at = inspect(vol)['CreatedAt']
    left = run_module('docker_api_volume', {'name': vol, 'labels': {'v': '2'}})
    assert left['changed'] is False and left['changes'] == [{'option': 'labels', 'before': {'v': '1'},
                                                             'after': {'v': '2'}}], left
    assert 'volume %s differs from the task in labels' % vol in str(left.get('warnings')), left
    assert inspect(vol)['Labels'] == {'v': '1'}

    args = {'name': vol, 'labels': {'v': '2'}, 'recreate': 'options-changed'}
    predicted = run_module('docker_api_volume', args, check=True)
    assert predicted['changed'] is True and inspect(vol)['Labels'] == {'v': '1'}
    recreated = run_module('docker_api_volume', args, diff=True)
    assert recreated['changed'] is True and recreated['actions'] == ['Recreated volume %s (labels)' % vol], recreated
    assert inspect(vol)['Labels'] == {'v': '2'} and recreated['diff']['before']['labels'] == {'v': '1'}
    assert inspect(vol)['CreatedAt'] >= created_at
    assert run_module('docker_api_volume', args)['changed'] is False


def test_a_volume_in_use_is_never_removed_or_recreated(vol, busybox_image):
    assert run_module('docker_api_volume', {'name': vol})['changed'] is True
    docker('run', '-d', '--name', vol + '-run', '-v', '%s:/data' % vol, busybox_image, 'sleep', '600')
    docker('create', '--name', vol + '-stopped', '-v', '%s:/data' % vol, busybox_image, 'true')
    for args in ({'name': vol, 'state': 'absent'},
                 {'name': vol, 'labels': {'new': 'x'}, 'recreate': 'options-changed'}):
        for check in (True, False):
            refused = run_module('docker_api_volume', args, check=check)
            assert refused.failed and refused['error_kind'] == 'in_use', refused
            assert refused['msg'].startswith('volume %s is used by containers %s-run, %s-stopped: ' % (vol, vol, vol))
            assert inspect(vol) is not None and inspect(vol)['Labels'] in (None, {})
    docker('rm', '-f', vol + '-run', vol + '-stopped')
    assert run_module('docker_api_volume', {'name': vol, 'state': 'absent'})['changed'] is True


def test_bad_input_names_the_option_and_makes_nothing(vol):
    bad_name = run_module('docker_api_volume', {'name': 'has space'})
    assert bad_name.failed and bad_name['msg'].startswith('name: ') and bad_name['error_kind'] == 'invalid_option'
    bad_driver = run_module('docker_api_volume', {'name': vol, 'driver': 'no-such-driver-%s' % vol})
    assert bad_driver.failed and 'could not be created' in bad_driver['msg'] and 'driver' in bad_driver['msg']
    assert bad_driver['actions'] == []  # nothing was made
    assert inspect(vol) is None
    bad_option = run_module('docker_api_volume', {'name': vol, 'driver_options': {'nonsense': 'x'}})
    assert bad_option.failed and 'driver_options' in bad_option['msg'], bad_option
    assert inspect(vol) is None
    bad_choice = run_module('docker_api_volume', {'name': vol, 'recreate': 'always'})
    assert bad_choice.failed and 'recreate' in bad_choice['msg']


def test_info_by_name_and_by_filters(vol, busybox_image):
    missing = run_module('docker_api_volume_info', {'name': vol}, check=True)
    assert missing['changed'] is False and missing['exists'] is False and missing['volume'] == {}
    run_module('docker_api_volume', {'name': vol, 'labels': {'tprov-it': vol}})
    found = run_module('docker_api_volume_info', {'name': vol})
    assert found['exists'] is True and found['volume']['Name'] == vol
    label = {'label': ['tprov-it=%s' % vol]}
    assert [v['Name'] for v in run_module('docker_api_volume_info', {'filters': label})['volumes']] == [vol]
    dangling = run_module('docker_api_volume_info', {'filters': dict(label, dangling=True)})['volumes']
    assert [v['Name'] for v in dangling] == [vol]
    docker('create', '--name', vol + '-user', '-v', '%s:/data' % vol, busybox_image, 'true')
    assert run_module('docker_api_volume_info', {'filters': dict(label, dangling=True)})['volumes'] == []
    local = run_module('docker_api_volume_info', {'filters': dict(label, driver='local')})['volumes']
    assert [v['Name'] for v in local] == [vol]


ACTION_GROUP_PLAY = '''
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/tprov.docker.docker_api:
      docker_host: {host}
      validate_certs: true
      ca_path: {ca}
      client_cert: {cert}
      client_key: {key}
  tasks:
    - name: A network and a volume on the TLS engine, no connection option in the tasks
      tprov.docker.docker_api_network:
        name: {name}
        internal: true
    - tprov.docker.docker_api_volume:
        name: {name}
    - tprov.docker.docker_api_network_info:
        name: {name}
      register: network
    - tprov.docker.docker_api_volume_info:
        name: {name}
      register: volume
    - tprov.docker.docker_api_info:
      register: engine
    - name: They are on the TLS engine; the same task over the local socket does not see them
      tprov.docker.docker_api_volume_info:
        name: {name}
        docker_host: unix:///var/run/docker.sock
        validate_certs: null
        ca_path: null
        client_cert: null
        client_key: null
      register: local
    - ansible.builtin.assert:
        that:
          - network.exists and network.network.Internal
          - volume.exists
          - engine.info.DockerRootDir == '{root}'
          - not local.exists
    - tprov.docker.docker_api_network:
        name: {name}
        state: absent
    - tprov.docker.docker_api_volume:
        name: {name}
        state: absent
'''


@pytest.mark.parametrize('in_process', ['true', 'false'])
def test_module_defaults_group_sets_the_connection_once(tls_daemon, playbook, vol, in_process):
    args = tls_daemon.client_args()
    root = run_module('docker_api_info', args)['info']['DockerRootDir']
    play = ACTION_GROUP_PLAY.format(host=args['docker_host'], ca=args['ca_path'], cert=args['client_cert'],
                                    key=args['client_key'], name=vol, root=root)
    rc, output, recap = playbook(play, '-e', 'tprov_docker_in_process=%s' % in_process)
    assert rc == 0 and recap['failed'] == 0, output
    assert recap['changed'] == 4, output
    gone = run_module('docker_api_volume_info', dict(args, name=vol))
    assert gone['exists'] is False
    assert run_module('docker_api_network_info', dict(args, name=vol))['exists'] is False
