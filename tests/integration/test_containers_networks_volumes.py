"""docker_api_containers converges networks and volumes (the containers role's docker_networks and
docker_volumes) in the same run as the containers that use them, against the real engine; prune
removes the labelled networks no longer declared, and volumes only with prune_volumes - never one in use."""

import json

import pytest

from tprov_testlib import docker, run_module

LABEL = 'tprov.docker.managed'


def _inspect(kind, name):
    proc = docker(kind, 'inspect', name, check=False)
    return json.loads(proc.stdout)[0] if proc.returncode == 0 else None


@pytest.fixture
def stack(unique_name):
    """A unique prefix; the networks and volumes named after it are removed afterwards (the
    unique_name fixture removes the containers first: it is torn down after this one)."""
    yield unique_name
    ids = docker('ps', '-aq', '--filter', 'name=%s' % unique_name, check=False).stdout.split()
    if ids:
        docker('rm', '-f', *ids, check=False)
    for kind in ('network', 'volume'):
        names = docker(kind, 'ls', '-q', '--filter', 'name=%s' % unique_name, check=False).stdout.split()
        if names:
            docker(kind, 'rm', *names, check=False)


def _args(prefix, busybox_image, **extra):
    """One network, one volume and a container using both; a label value of the test's own, so
    other runs' objects are never pruned."""
    args = {
        'networks': [{'name': prefix + '-net', 'ipam': {'config': [{'subnet': '172.31.251.0/24'}]},
                      'labels': {'tier': 'back'}}],
        'volumes': [{'name': prefix + '-vol', 'labels': {'backup': 'daily'}}],
        'containers': [{'name': prefix + '-app', 'image': busybox_image, 'command': 'sleep 300',
                        'networks': [{'name': prefix + '-net', 'aliases': ['app']}],
                        'volumes': ['%s-vol:/data' % prefix]}],
        'managed_label_value': prefix,
    }
    args.update(extra)
    return args


def test_network_volume_and_container_in_one_run_then_changed_0(stack, busybox_image):
    args = _args(stack, busybox_image)
    check = run_module('docker_api_containers', args, check=True, diff=True)
    assert check['changed'] is True, check
    assert [(n['name'], n['changed'], n['state']) for n in check['networks']] == [(stack + '-net', True, 'present')]
    assert [(v['name'], v['changed']) for v in check['volumes']] == [(stack + '-vol', True)]
    assert [d['after_header'] for d in check['diff']] == [
        'network %s-net' % stack, 'volume %s-vol' % stack, stack + '-app']
    # Check mode made nothing.
    assert _inspect('network', stack + '-net') is None and _inspect('volume', stack + '-vol') is None
    assert _inspect('container', stack + '-app') is None

    first = run_module('docker_api_containers', args)
    assert first['changed'] is True, first
    # Networks and volumes are made before the container that uses them, in the same run.
    assert first['actions'][:3] == ['Created network %s-net' % stack, 'Created volume %s-vol' % stack,
                                    'Created container %s-app' % stack], first['actions']
    network, volume = _inspect('network', stack + '-net'), _inspect('volume', stack + '-vol')
    assert network['Labels'] == {'tier': 'back', LABEL: stack}
    assert network['IPAM']['Config'][0]['Subnet'] == '172.31.251.0/24'
    assert volume['Labels'] == {'backup': 'daily', LABEL: stack}
    container = _inspect('container', stack + '-app')
    assert 'app' in container['NetworkSettings']['Networks'][stack + '-net']['Aliases']
    assert [m['Name'] for m in container['Mounts']] == [stack + '-vol']

    again = run_module('docker_api_containers', args, diff=True)
    assert again['changed'] is False and again['actions'] == [] and again['diff'] == [], again
    assert [n['changed'] for n in again['networks']] == [False] and [v['changed'] for v in again['volumes']] == [False]
    assert run_module('docker_api_containers', args, check=True)['changed'] is False

    # A declared network option that differs is named, and the network recreated with the container on it.
    args['networks'][0]['internal'] = True
    moved = run_module('docker_api_containers', args)
    assert moved['networks'][0]['changed'] and moved['networks'][0]['changes'][0]['option'] == 'internal', moved
    assert _inspect('network', stack + '-net')['Internal'] is True
    assert _inspect('network', stack + '-net')['Labels'][LABEL] == stack
    assert stack + '-net' in _inspect('container', stack + '-app')['NetworkSettings']['Networks']


def test_networks_and_volumes_made_outside_are_adopted_unlabelled_and_never_pruned(stack, busybox_image):
    docker('network', 'create', stack + '-net')
    docker('volume', 'create', stack + '-vol')
    args = _args(stack, busybox_image, containers=[], prune=True, prune_volumes=True)
    args['networks'][0] = {'name': stack + '-net'}
    args['volumes'][0] = {'name': stack + '-vol'}
    result = run_module('docker_api_containers', args)
    # Present already: the managed label is not compared, so nothing is recreated for it.
    assert result['changed'] is False, result
    assert LABEL not in (_inspect('network', stack + '-net')['Labels'] or {})
    assert LABEL not in (_inspect('volume', stack + '-vol')['Labels'] or {})
    undeclared = run_module('docker_api_containers', dict(args, networks=[], volumes=[]))
    assert undeclared['changed'] is False and undeclared['pruned_networks'] == [] == undeclared['pruned_volumes']
    assert _inspect('network', stack + '-net') is not None and _inspect('volume', stack + '-vol') is not None


def test_networks_and_volumes_made_outside_stay_unlabelled_when_a_difference_recreates_them(stack, busybox_image):
    # Recreated for a declared difference, a network or volume made with the CLI must not gain the
    # managed label: a later prune would remove it (for a volume: the operator's data).
    docker('network', 'create', stack + '-net')
    docker('volume', 'create', stack + '-vol')
    args = _args(stack, busybox_image, containers=[], prune=True, prune_volumes=True)
    args['volumes'][0]['recreate'] = 'options-changed'
    recreated = run_module('docker_api_containers', args)
    assert recreated['changed'] is True, recreated
    assert 'Recreated volume %s-vol (labels)' % stack in recreated['actions'], recreated['actions']
    assert [n['changed'] for n in recreated['networks']] == [True], recreated
    network, volume = _inspect('network', stack + '-net'), _inspect('volume', stack + '-vol')
    assert network['IPAM']['Config'][0]['Subnet'] == '172.31.251.0/24' and network['Labels'] == {'tier': 'back'}
    assert volume['Labels'] == {'backup': 'daily'}
    assert run_module('docker_api_containers', args)['changed'] is False
    undeclared = run_module('docker_api_containers', dict(args, networks=[], volumes=[]))
    assert undeclared['changed'] is False and undeclared['pruned_networks'] == [] == undeclared['pruned_volumes']
    assert _inspect('network', stack + '-net') is not None and _inspect('volume', stack + '-vol') is not None


def test_network_volume_and_container_decommissioned_in_one_run(stack, busybox_image):
    # The container goes first, so the network and volume it used are free: nothing is refused, and
    # nothing is left half-done (a network removed under a container still running).
    args = _args(stack, busybox_image)
    assert run_module('docker_api_containers', args)['changed'] is True
    gone = dict(args, networks=[{'name': stack + '-net', 'state': 'absent'}],
                volumes=[{'name': stack + '-vol', 'state': 'absent'}],
                containers=[{'name': stack + '-app', 'state': 'absent'}])
    expected = ['Removed container %s-app' % stack, 'Removed volume %s-vol' % stack, 'Removed network %s-net' % stack]
    predicted = run_module('docker_api_containers', gone, check=True)
    assert not predicted.failed and predicted['changed'] is True, predicted
    assert [a for a in predicted['actions'] if a.startswith(('Removed', 'Disconnected'))] == expected, predicted
    for kind, name in (('container', '-app'), ('volume', '-vol'), ('network', '-net')):
        assert _inspect(kind, stack + name) is not None  # check mode removed nothing
    done = run_module('docker_api_containers', gone)
    assert not done.failed and done['changed'] is True, done
    assert [a for a in done['actions'] if a.startswith(('Removed', 'Disconnected'))] == expected, done
    for kind, name in (('container', '-app'), ('volume', '-vol'), ('network', '-net')):
        assert _inspect(kind, stack + name) is None
    assert run_module('docker_api_containers', gone)['changed'] is False
    assert run_module('docker_api_containers', gone, check=True)['changed'] is False


def test_prune_volumes_without_prune_warns(stack, busybox_image):
    result = run_module('docker_api_containers', {'prune_volumes': True, 'managed_label_value': stack})
    assert result['changed'] is False, result
    assert 'prune_volumes: true removes nothing without prune: true' in str(result.get('warnings')), result


def test_prune_removes_undeclared_labelled_network_and_volumes_only_when_asked(stack, busybox_image):
    args = _args(stack, busybox_image, prune=True)
    assert run_module('docker_api_containers', args)['changed'] is True
    # The container, network and volume are all dropped from the declaration.
    dropped = dict(args, networks=[], volumes=[], containers=[])

    predicted = run_module('docker_api_containers', dropped, check=True)
    # Check mode: the container would go first, so its network counts as free; nothing is removed.
    assert predicted['pruned'] == [stack + '-app'] and predicted['pruned_networks'] == [stack + '-net'], predicted
    assert predicted['pruned_volumes'] == []
    assert _inspect('container', stack + '-app') is not None and _inspect('network', stack + '-net') is not None

    pruned = run_module('docker_api_containers', dropped)
    assert pruned['changed'] is True and pruned['pruned'] == [stack + '-app'], pruned
    assert pruned['pruned_networks'] == [stack + '-net'] and pruned['pruned_volumes'] == []
    assert _inspect('network', stack + '-net') is None
    assert _inspect('volume', stack + '-vol') is not None  # volumes hold data: kept without prune_volumes

    assert run_module('docker_api_containers', dropped)['changed'] is False
    with_volumes = run_module('docker_api_containers', dict(dropped, prune_volumes=True))
    assert with_volumes['changed'] is True and with_volumes['pruned_volumes'] == [stack + '-vol'], with_volumes
    assert _inspect('volume', stack + '-vol') is None
    assert run_module('docker_api_containers', dict(dropped, prune_volumes=True))['changed'] is False


def test_a_labelled_volume_or_network_in_use_is_never_pruned(stack, busybox_image):
    args = _args(stack, busybox_image, prune=True, prune_volumes=True)
    assert run_module('docker_api_containers', args)['changed'] is True
    # A container the module does not manage (no label) uses both.
    docker('create', '--name', stack + '-outside', '--network', stack + '-net', '-v', '%s-vol:/data' % stack,
           busybox_image, 'sleep', '1')
    dropped = dict(args, networks=[], volumes=[], containers=[])
    for check in (True, False):
        result = run_module('docker_api_containers', dropped, check=check)
        assert result['pruned'] == [stack + '-app'], result
        assert result['pruned_networks'] == [] and result['pruned_volumes'] == [], result
        assert 'Kept volume %s-vol: it is no longer declared, but container %s-outside uses it' % (
            stack, stack) in result['actions'], result['actions']
        assert 'Kept network %s-net: it is no longer declared, but container %s-outside uses it' % (
            stack, stack) in result['actions'], result['actions']
        assert 'container %s-outside uses it; remove them' % stack in str(result.get('warnings')), result
    assert _inspect('volume', stack + '-vol') is not None and _inspect('network', stack + '-net') is not None
    assert _inspect('container', stack + '-outside') is not None


def test_bad_network_or_volume_entry_changes_nothing(stack, busybox_image):
    for key, bad, needle in [
            ('networks', {'name': stack + '-net', 'ipam': {'config': [{'subnet': '10.9.0.0/24', 'gateway': '10.8.0.1'}]}},
             'networks[0] (%s-net): ipam.config[0]: gateway 10.8.0.1 is not in subnet' % stack),
            ('volumes', {'name': stack + '-vol', 'state': 'gone'},
             'volumes[0] (%s-vol): value of state must be one of' % stack),
            ('volumes', {'name': '-'}, 'volumes[0] (-): name'),
            # The module sets the managed label; another value declared would recreate it every run.
            ('networks', {'name': stack + '-net', 'labels': {LABEL: 'mine'}},
             'networks[0] (%s-net): labels: %s is set by the module (managed_label' % (stack, LABEL)),
            ('volumes', {'name': stack + '-vol', 'labels': {LABEL: 'mine'}, 'recreate': 'options-changed'},
             'volumes[0] (%s-vol): labels: %s is set by the module (managed_label' % (stack, LABEL))]:
        result = run_module('docker_api_containers', _args(stack, busybox_image, **{key: [bad]}))
        assert result.failed and result['msg'].startswith(needle), result['msg']
        assert result['error_kind'] == 'invalid_option', result
        assert _inspect('network', stack + '-net') is None and _inspect('volume', stack + '-vol') is None
        assert _inspect('container', stack + '-app') is None


def test_role_converges_docker_networks_and_docker_volumes(stack, busybox_image, playbook, tmp_path):
    # The role's variables reach the module (converge.yml); no prune here: the role's label value is
    # the default one, shared with every other test on this engine.
    vars_file = tmp_path / 'vars.json'
    vars_file.write_text(json.dumps({
        'docker_networks': [{'name': stack + '-net', 'labels': {'tier': 'back'}}],
        'docker_volumes': [{'name': stack + '-vol'}],
        'docker_containers': [{'name': stack + '-app', 'image': busybox_image, 'command': 'sleep 300',
                               'networks': [{'name': stack + '-net'}], 'volumes': ['%s-vol:/data' % stack]}],
        'docker_containers_prune_volumes': False,
        'docker_containers_docker_host': 'unix:///var/run/docker.sock'}))
    play = ('- hosts: localhost\n  gather_facts: false\n  vars_files: [%s]\n'
            '  roles: [{role: tprov.docker.containers}]\n' % vars_file)
    rc, output, recap = playbook(play, '--check')
    assert rc == 0 and recap['changed'] == 1, output[-3000:]
    assert _inspect('network', stack + '-net') is None and _inspect('volume', stack + '-vol') is None
    rc, output, recap = playbook(play)
    assert rc == 0 and recap['changed'] == 1, output[-3000:]
    assert _inspect('network', stack + '-net')['Labels'] == {'tier': 'back', LABEL: 'true'}
    assert _inspect('volume', stack + '-vol')['Labels'] == {LABEL: 'true'}
    assert stack + '-net' in _inspect('container', stack + '-app')['NetworkSettings']['Networks']
    rc, output, recap = playbook(play)
    assert rc == 0 and recap['changed'] == 0, output[-3000:]
