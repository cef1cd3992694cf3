"""docker_api_container against the real engine: every option converges exactly once."""

import json
import os

import pytest

from tprov_testlib import docker, run_module

BUSYBOX = 'tprov-test/busybox:latest'

# option -> (first value, second value, how the second is applied). Containers stay created, not
# started (state: present), so options that need privileges this VM lacks can still be compared.
OPTION_CASES = {
    'command': (['sleep', '300'], 'sleep 301', 'recreate'),
    'entrypoint': (['/bin/sh', '-c'], ['/bin/sh', '-ec'], 'recreate'),
    'env': ({'A': '1', 'N': '2'}, {'A': '1', 'N': '3'}, 'recreate'),
    'labels': ({'tier': 'web'}, {'tier': 'db'}, 'recreate'),
    'hostname': ('redis', 'redis2', 'recreate'),
    'domainname': ('example.com', 'example.org', 'recreate'),
    'user': ('nobody', 'root', 'recreate'),
    'working_dir': ('/tmp', '/bin', 'recreate'),
    'published_ports': (['127.0.0.1:18081:80', '9000-9001:9000-9001/udp'], ['127.0.0.1:18082:80'], 'recreate'),
    'exposed_ports': (['81'], ['81', '82/udp'], 'recreate'),
    'volumes': (['/tmp:/hosttmp:ro', '/anon'], ['/tmp:/hosttmp'], 'recreate'),
    'mounts': ([{'target': '/data', 'type': 'tmpfs', 'tmpfs_size': '1m'}],
               [{'target': '/data', 'type': 'tmpfs', 'tmpfs_size': '2m'}], 'recreate'),
    'tmpfs': (['/run:size=1m'], ['/run:size=2m'], 'recreate'),
    'read_only': (True, False, 'recreate'),
    'restart_policy': ('always', 'unless-stopped', 'update'),
    'network_mode': ('none', 'bridge', 'recreate'),
    'dns_servers': (['192.0.2.53'], ['192.0.2.54'], 'recreate'),
    'dns_search_domains': (['example.com'], ['example.org'], 'recreate'),
    'etc_hosts': ({'db': '192.0.2.10'}, {'db': '192.0.2.11'}, 'recreate'),
    'memory': ('64m', '128m', 'update'),
    'memory_reservation': ('32m', '48m', 'update'),
    'cpus': (0.5, 1.0, 'update'),
    'cpu_shares': (512, 1024, 'update'),
    'pids_limit': (100, 200, 'update'),
    'ulimits': (['nofile:1024:2048'], ['nofile:2048:4096'], 'recreate'),
    # Capabilities the nested engines of the Debian 13 run have too (dockerd 26 refuses one it lacks).
    'capabilities': (['NET_ADMIN'], ['NET_ADMIN', 'SYS_ADMIN'], 'recreate'),
    'cap_drop': (['MKNOD'], ['MKNOD', 'NET_RAW'], 'recreate'),
    'privileged': (False, True, 'recreate'),
    'security_opts': (['no-new-privileges'], ['no-new-privileges', 'label=disable'], 'recreate'),
    'init': (True, False, 'recreate'),
    'tty': (True, False, 'recreate'),
    'interactive': (True, False, 'recreate'),
    'healthcheck': ({'test': ['CMD', 'true'], 'interval': '5s', 'retries': 2},
                    {'test': ['CMD', 'true'], 'interval': '10s', 'retries': 2}, 'recreate'),
    'log_driver': ('json-file', 'none', 'recreate'),
    'stop_signal': ('SIGTERM', 'SIGINT', 'recreate'),
    'stop_timeout': (5, 7, 'recreate'),
    'auto_remove': (True, False, 'recreate'),
    'cgroupns_mode': ('private', 'host', 'recreate'),
}


@pytest.mark.parametrize('option', sorted(OPTION_CASES))
def test_option_converges(busybox_image, unique_name, option):
    first, second, how = OPTION_CASES[option]
    base = {'name': unique_name, 'image': busybox_image, 'state': 'present', 'command': ['sleep', '300']}
    if option == 'command':
        base.pop('command')
    if option == 'stop_timeout':  # not compared by default (community.docker's default)
        base['comparisons'] = {'stop_timeout': 'strict'}
    created = run_module('docker_api_container', dict(base, **{option: first}))
    assert created['changed'] and not created.failed, created
    assert created['actions'] == ['Created container %s' % unique_name]
    same = run_module('docker_api_container', dict(base, **{option: first}))
    assert same['changed'] is False and same['changes'] == [], same['changes']
    old_id = created['container']['Id']
    changed = run_module('docker_api_container', dict(base, **{option: second}), diff=True)
    assert changed['changed'], changed
    assert [c['option'] for c in changed['changes']] == [option]
    assert option in changed['diff']['before'] and option in changed['diff']['after']
    if how == 'update':
        assert changed['container']['Id'] == old_id and 'in place' in changed['actions'][0]
    else:
        assert changed['container']['Id'] != old_id and changed['actions'][0].startswith('Recreated')
    again = run_module('docker_api_container', dict(base, **{option: second}))
    assert again['changed'] is False, again['changes']


def test_chapter_container_starts_and_state_transitions(busybox_image, unique_name):
    args = {'name': unique_name, 'image': busybox_image, 'hostname': 'redis', 'command': 'sleep 300'}
    present = run_module('docker_api_container', dict(args, state='present'))
    assert present['changed'] and present['container']['State']['Status'] == 'created'
    started = run_module('docker_api_container', dict(args, state='started'))
    assert started['changed'] and started['container']['State']['Running']
    assert started['container']['Config']['Hostname'] == 'redis'
    assert run_module('docker_api_container', dict(args, state='started'))['changed'] is False
    # present leaves a running container running
    assert run_module('docker_api_container', dict(args, state='present'))['changed'] is False
    stopped = run_module('docker_api_container', dict(args, state='stopped', stop_timeout=1))
    assert stopped['changed'] and not stopped['container']['State']['Running']
    assert run_module('docker_api_container', dict(args, state='stopped'))['changed'] is False
    restarted = run_module('docker_api_container', dict(args, state='restarted'))
    assert restarted['changed'] and restarted['container']['State']['Running']
    again = run_module('docker_api_container', dict(args, state='restarted', stop_timeout=1))
    assert again['changed'] and again['container']['State']['StartedAt'] != restarted['container']['State']['StartedAt']
    forced = run_module('docker_api_container', dict(args, restart=True, stop_timeout=1))
    assert forced['changed'] and forced['actions'] == ['Restarted container %s' % unique_name]
    recreated = run_module('docker_api_container', dict(args, recreate=True, force_kill=True))
    assert recreated['changed'] and recreated['container']['Id'] != forced['container']['Id']
    assert recreated['changes'] == [{'option': 'recreate', 'before': None, 'after': True}]
    gone = run_module('docker_api_container', {'name': unique_name, 'state': 'absent', 'force_kill': True})
    assert gone['changed'] and gone['container'] == {}
    assert run_module('docker_api_container', {'name': unique_name, 'state': 'absent'})['changed'] is False
    assert docker('ps', '-aq', '--filter', 'name=^%s$' % unique_name).stdout.strip() == ''


def test_check_mode_and_diff(busybox_image, unique_name):
    args = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300', 'memory': '64m'}
    create = run_module('docker_api_container', args, check=True, diff=True)
    assert create['changed'] and create['diff']['before']['state'] == 'absent'
    assert create['diff']['after']['state'] == 'started'
    assert docker('ps', '-aq', '--filter', 'name=^%s$' % unique_name).stdout.strip() == ''
    real = run_module('docker_api_container', args)
    update = run_module('docker_api_container', dict(args, memory='96m'), check=True, diff=True)
    assert update['changed'] and update['diff']['after']['memory'] == 96 * 1024 ** 2
    assert update['actions'] == ['Updated container %s in place (Memory)' % unique_name]
    recreate = run_module('docker_api_container', dict(args, env={'X': '1'}), check=True, diff=True)
    assert recreate['changed'] and recreate['actions'][0].startswith('Recreated')
    absent = run_module('docker_api_container', {'name': unique_name, 'state': 'absent'}, check=True, diff=True)
    assert absent['changed'] and absent['diff']['after']['state'] == 'absent'
    now = docker('inspect', '--format', '{{.Id}} {{.HostConfig.Memory}} {{.State.Running}}', unique_name).stdout.split()
    assert now == [real['container']['Id'], str(64 * 1024 ** 2), 'true']


def test_reimported_image_recreates(unique_name):
    from engine_bed import build_busybox
    image = 'tprov-it/%s:app' % unique_name
    first_id = build_busybox(image, marker='v1')
    args = {'name': unique_name, 'image': image, 'command': 'sleep 300'}
    created = run_module('docker_api_container', args)
    assert created['container']['Image'] == first_id
    assert run_module('docker_api_container', args)['changed'] is False
    second_id = build_busybox(image, marker='v2')
    moved = run_module('docker_api_container', args)
    assert moved['changed'] and moved['changes'][0]['option'] == 'image'
    assert moved['changes'][0]['before'] == first_id and moved['changes'][0]['after'] == second_id
    assert moved['container']['Image'] == second_id and moved['container']['State']['Running']
    run_module('docker_api_container', {'name': unique_name, 'state': 'absent', 'force_kill': True})
    docker('rmi', '-f', first_id, second_id, check=False)


@pytest.mark.parametrize('extra,needle', [
    ({'image': 'tprov-it/never-there:1', 'pull': 'never'}, 'pull is never'),
    ({'published_ports': ['80:80:80:80']}, 'published_ports'),
    ({'published_ports': ['abc:80']}, 'published_ports'),
    ({'published_ports': ['8000-8002:80-81']}, 'same length'),
    ({'memory': '12X'}, 'memory'),
    ({'env': {'A': {'nested': 1}}}, 'env: the value of A is a dict'),
    ({'cpus': -1}, 'cpus'),
    ({'healthcheck': {'interval': '5s'}}, 'healthcheck.test'),
    ({'healthcheck': {'test': 'true', 'interval': 'soon'}}, 'healthcheck.interval'),
    ({'ulimits': ['nofile']}, 'ulimits'),
    ({'working_dir': 'relative'}, 'working_dir'),
    ({'volumes': ['relative']}, 'volumes'),
    ({'comparisons': {'nosuch': 'strict'}}, 'comparisons'),
    ({'comparisons': {'env': 'loose'}}, 'comparisons'),
    ({'image': 'Bad Name'}, 'image'),
    ({'restart_policy': 'always', 'restart_retries': 3}, 'restart_retries'),
])
def test_bad_input_names_the_option_and_leaves_nothing(busybox_image, unique_name, extra, needle):
    args = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300'}
    args.update(extra)
    result = run_module('docker_api_container', args)
    assert result.failed and needle in result['msg'], result['msg']
    assert docker('ps', '-aq', '--filter', 'name=^%s$' % unique_name).stdout.strip() == ''


def _running_id(name):
    return docker('ps', '-q', '--no-trunc', '--filter', 'name=^%s$' % name).stdout.strip()


def test_refused_recreate_keeps_the_previous_container(busybox_image, unique_name):
    first = run_module('docker_api_container', {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300'})
    old_id = first['container']['Id']
    # auto_remove with a restart policy: the engine refuses to create the new container.
    result = run_module('docker_api_container', {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300',
                                                 'auto_remove': True, 'restart_policy': 'always', 'force_kill': True})
    assert result.failed and result['msg'].startswith(
        'Could not create the new container %s, so the previous one (%s) was kept as it was' % (
            unique_name, old_id[:12])), result['msg']
    assert _running_id(unique_name) == old_id  # same container, same name, still running
    # A network that does not exist: created, then the start fails; the new container goes again.
    fresh = unique_name + '-new'
    result = run_module('docker_api_container', {'name': fresh, 'image': busybox_image, 'command': 'sleep 300',
                                                 'network_mode': 'tprov-no-such-network'})
    assert result.failed and result['msg'].startswith(
        'Container %s was created but failed to start, so it was removed again' % fresh), result['msg']
    assert docker('ps', '-aq', '--filter', 'name=^%s$' % fresh).stdout.strip() == ''
    # The same on a recreate: the new one goes, the previous one gets its name back and runs again.
    result = run_module('docker_api_container', {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300',
                                                 'network_mode': 'tprov-no-such-network', 'force_kill': True})
    assert result.failed and result['msg'].startswith(
        'The new container %s failed to start, so it was removed again and the previous one (%s) was put back and '
        'started again' % (unique_name, old_id[:12])), result['msg']
    assert _running_id(unique_name) == old_id
    assert docker('ps', '-aq', '--filter', 'name=%s-tprov-replaced' % unique_name).stdout.strip() == ''
    # And a recreate that works leaves one container under the name, the new one, and no parked one.
    moved = run_module('docker_api_container', {'name': unique_name, 'image': busybox_image, 'command': 'sleep 301'})
    assert moved['changed'] and _running_id(unique_name) == moved['container']['Id'] != old_id
    assert docker('ps', '-aq', '--filter', 'name=%s' % unique_name).stdout.split() == [moved['container']['Id'][:12]]


def test_recreate_with_published_port_hands_the_port_over(busybox_image, unique_name):
    args = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300',
            'published_ports': ['127.0.0.1:18931:80']}
    run_module('docker_api_container', args)
    moved = run_module('docker_api_container', dict(args, env={'V': '2'}))
    assert moved['changed'] and not moved.failed, moved
    assert moved['container']['State']['Running']


def test_name_conflict_on_create(busybox_image, unique_name):
    """A container created outside Ansible between our inspect and our create: 409, said plainly."""
    from ansible_collections.tprov.docker.plugins.module_utils.containers import ContainerService
    from ansible_collections.tprov.docker.plugins.module_utils.engine_client import EngineClient
    from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError
    client = EngineClient.from_params({})
    service = ContainerService(client)
    docker('create', '--name', unique_name, busybox_image, 'sleep', '1')
    image = service.ensure_image(busybox_image, 'never')
    from ansible_collections.tprov.docker.plugins.module_utils.container_spec import ContainerRequest
    request = ContainerRequest({'name': unique_name, 'image': busybox_image, 'command': 'sleep 300'})
    with pytest.raises(EngineError) as info:
        service._create(request, request.values, image)
    assert str(info.value).startswith('name: a container named %s already exists' % unique_name)


def test_name_taken_between_inspect_and_create_converges_onto_it(busybox_image, unique_name):
    """Another run creates the container between this run's inspect and its create: the create's
    409 makes the service converge onto that container, and the create that lost is not reported."""
    from ansible_collections.tprov.docker.plugins.module_utils.container_spec import ContainerRequest
    from ansible_collections.tprov.docker.plugins.module_utils.containers import ContainerService
    from ansible_collections.tprov.docker.plugins.module_utils.engine_client import EngineClient

    class FirstInspectTooEarly(ContainerService):
        """Its first inspect of the name answers as before the other run's create."""
        early = True

        def inspect(self, name_or_id):
            if self.early and name_or_id == unique_name:
                self.early = False
                return None
            return super(FirstInspectTooEarly, self).inspect(name_or_id)

    docker('create', '--name', unique_name, busybox_image, 'sleep', '300')
    service = FirstInspectTooEarly(EngineClient.from_params({}))
    plan, _before, after = service.converge(ContainerRequest(
        {'name': unique_name, 'image': busybox_image, 'command': ['sleep', '300']}))
    assert service.actions == ['Container %s appeared while creating it; converging onto it' % unique_name,
                               'Started container %s' % unique_name]
    assert plan.start and not plan.create and after['State']['Running']
    assert docker('ps', '-aq', '--filter', 'name=%s' % unique_name).stdout.split() == [after['Id'][:12]]


def test_wait_reports_exit_code_and_log_tail(busybox_image, unique_name):
    result = run_module('docker_api_container', {
        'name': unique_name, 'image': busybox_image, 'command': ['sh', '-c', 'echo boom-from-container; exit 3'],
        'wait': True})
    assert result.failed
    assert 'exited with code 3' in result['msg'] and 'boom-from-container' in result['msg']
    healthy = run_module('docker_api_container', {
        'name': unique_name + '-h', 'image': busybox_image, 'command': 'sleep 300', 'wait': True, 'wait_timeout': 30,
        'healthcheck': {'test': ['CMD', 'true'], 'interval': '1s'}})
    assert not healthy.failed, healthy
    assert healthy['container']['State']['Health']['Status'] == 'healthy'
    run_module('docker_api_container', {'name': unique_name + '-h', 'state': 'absent', 'force_kill': True})


def test_idempotent_check_costs_two_requests_after_negotiation(busybox_image, unique_name):
    from ansible_collections.tprov.docker.plugins.module_utils.container_spec import ContainerRequest
    from ansible_collections.tprov.docker.plugins.module_utils.containers import ContainerService
    from ansible_collections.tprov.docker.plugins.module_utils.engine_client import EngineClient
    params = {'name': unique_name, 'image': busybox_image, 'state': 'started', 'command': 'sleep 300',
              'env': {'A': '1'}, 'memory': '64m', 'published_ports': ['127.0.0.1:18090:80'], 'pull': 'missing'}
    run_module('docker_api_container', params)
    client = EngineClient.from_params({})
    assert client.api_version  # negotiation: one GET /version
    service = ContainerService(client)
    service.parked(unique_name)  # once per module run: the list of containers an interrupted recreate parked
    before = client.request_count
    plan, _before, _after = service.converge(ContainerRequest(params))
    assert not plan.changed
    assert client.request_count - before == 2  # container inspect + image inspect


def test_env_values_and_image_defaults(busybox_image, unique_name):
    args = {'name': unique_name, 'image': busybox_image, 'state': 'present', 'command': 'sleep 1',
            'env': {'FLAG': 'true', 'COUNT': '3'}}  # strings, as community.docker requires
    created = run_module('docker_api_container', args)
    assert 'FLAG=true' in created['container']['Config']['Env'] and 'COUNT=3' in created['container']['Config']['Env']
    strict = run_module('docker_api_container', dict(args, comparisons={'env': 'strict'}))
    assert strict['changed'] is False  # the image's own variables (PATH) are expected, not a difference
    ignored = run_module('docker_api_container', dict(args, env={'OTHER': 'x'}, comparisons={'*': 'ignore'}))
    assert ignored['changed'] is False
    assert os.environ.get('HOME') is not None


def test_container_info(busybox_image, unique_name):
    missing = run_module('docker_api_container_info', {'name': unique_name})
    assert missing['exists'] is False and missing['container'] == {}
    run_module('docker_api_container', {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300',
                                        'labels': {'tprov.test': unique_name}, 'state': 'present'})
    found = run_module('docker_api_container_info', {'name': unique_name})
    assert found['exists'] is True and found['container']['Name'] == '/' + unique_name
    running = run_module('docker_api_container_info', {'filters': {'label': ['tprov.test=%s' % unique_name]}})
    assert running['containers'] == []
    every = run_module('docker_api_container_info', {'all': True, 'filters': {'label': ['tprov.test=%s' % unique_name]}})
    assert [c['Names'] for c in every['containers']] == [['/' + unique_name]]
    assert run_module('docker_api_container_info', {'name': ' '}).failed


@pytest.fixture
def two_networks(unique_name):
    """Two user-defined networks (the second with a subnet, for fixed addresses), removed after."""
    names = ['%s-front' % unique_name, '%s-back' % unique_name]
    docker('network', 'create', names[0])
    docker('network', 'create', '--subnet', '172.31.240.0/24', names[1])
    yield names
    ids = docker('ps', '-aq', '--filter', 'name=%s' % unique_name, check=False).stdout.split()
    if ids:
        docker('rm', '-f', '-v', *ids, check=False)
    docker('network', 'rm', *names, check=False)


def _networks_of(name):
    data = json.loads(docker('inspect', name).stdout)[0]
    return data['Id'], data['HostConfig']['NetworkMode'], dict(
        (net, (sorted(a for a in (ep.get('Aliases') or []) if a != data['Id'][:12]),
               (ep.get('IPAMConfig') or {}).get('IPv4Address')))
        for net, ep in data['NetworkSettings']['Networks'].items())


def test_networks_connect_reconnect_disconnect_in_place(busybox_image, unique_name, two_networks):
    front, back = two_networks
    args = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300',
            'networks': [{'name': front, 'aliases': ['web']}]}
    created = run_module('docker_api_container', args)
    assert created['changed']
    cid, mode, nets = _networks_of(unique_name)
    assert mode == front and nets == {front: (['web'], None)}
    assert run_module('docker_api_container', args)['changed'] is False

    # A second network with a fixed address: connected in place, the container is not recreated.
    two = dict(args, networks=args['networks'] + [{'name': back, 'ipv4_address': '172.31.240.10'}])
    check = run_module('docker_api_container', two, check=True, diff=True)
    assert check['changed'] and check['actions'] == ['Connected container %s to network %s' % (unique_name, back)]
    assert set(_networks_of(unique_name)[2]) == {front}
    added = run_module('docker_api_container', two, diff=True)
    assert added['changed'] and [c['option'] for c in added['changes']] == ['networks']
    assert back in added['diff']['after']['networks'] and back not in added['diff']['before']['networks']
    assert _networks_of(unique_name) == (cid, front, {front: (['web'], None), back: ([], '172.31.240.10')})
    assert added['container']['State']['Running']
    assert run_module('docker_api_container', two)['changed'] is False

    # New aliases on a connected network: disconnect and connect again, keeping what was not given.
    renamed = dict(two, networks=[{'name': front, 'aliases': ['web', 'www']}, {'name': back}])
    moved = run_module('docker_api_container', renamed)
    assert moved['changed'] and moved['actions'] == [
        'Disconnected container %s from network %s' % (unique_name, front),
        'Connected container %s to network %s' % (unique_name, front)]
    assert _networks_of(unique_name)[2] == {front: (['web', 'www'], None), back: ([], '172.31.240.10')}
    assert run_module('docker_api_container', renamed)['changed'] is False

    # Leaving a network out changes nothing by default; comparisons networks: strict disconnects it.
    only_front = dict(args, networks=[{'name': front}])
    assert run_module('docker_api_container', only_front)['changed'] is False
    strict = dict(only_front, comparisons={'networks': 'strict'})
    dropped = run_module('docker_api_container', strict)
    assert dropped['actions'] == ['Disconnected container %s from network %s' % (unique_name, back)]
    assert _networks_of(unique_name)[0] == cid and set(_networks_of(unique_name)[2]) == {front}
    assert run_module('docker_api_container', strict)['changed'] is False

    # A network given by id compares equal to the name the engine reports.
    front_id = docker('network', 'inspect', '--format', '{{.Id}}', front).stdout.strip()
    assert run_module('docker_api_container', dict(args, networks=[{'name': front_id}]))['changed'] is False

    # Recreating for another reason keeps every listed network, connected at create time.
    recreated = run_module('docker_api_container', dict(two, env={'X': '1'}))
    assert recreated['changed'] and recreated['container']['Id'] != cid
    assert _networks_of(unique_name)[1:] == (front, {front: (['web'], None), back: ([], '172.31.240.10')})


def test_networks_bad_input_leaves_nothing(busybox_image, unique_name, two_networks):
    front, back = two_networks
    base = {'name': unique_name, 'image': busybox_image, 'command': 'sleep 300'}
    missing = run_module('docker_api_container', dict(base, networks=[{'name': front}, {'name': unique_name + '-x'}]))
    assert missing.failed and missing['msg'].startswith('networks: network %s-x does not exist' % unique_name)
    host = run_module('docker_api_container', dict(base, network_mode='host', networks=[{'name': front}]))
    assert host.failed and 'network_mode host' in host['msg']
    # The engine would refuse an address outside the subnet only at start, after the create.
    outside = run_module('docker_api_container', dict(base, networks=[
        {'name': front}, {'name': back, 'ipv4_address': '10.99.0.5'}]))
    assert outside.failed and 'ipv4_address 10.99.0.5 is not in a subnet of network %s (172.31.240.0/24)' % back \
        in outside['msg'], outside['msg']
    assert docker('ps', '-aq', '--filter', 'name=^%s$' % unique_name).stdout.strip() == ''

    # An address another container holds: the reconnect fails and the old endpoint is put back.
    holder = dict(base, name=unique_name + '-holder', networks=[{'name': back, 'ipv4_address': '172.31.240.20'}])
    assert not run_module('docker_api_container', holder).failed
    mine = dict(base, networks=[{'name': back, 'ipv4_address': '172.31.240.21', 'aliases': ['db']}])
    cid = run_module('docker_api_container', mine)['container']['Id']
    clash = run_module('docker_api_container', dict(mine, networks=[{'name': back, 'ipv4_address': '172.31.240.20'}]))
    assert clash.failed and clash['msg'].startswith('networks: could not connect'), clash['msg']
    assert _networks_of(unique_name) == (cid, back, {back: (['db'], '172.31.240.21')})
    assert run_module('docker_api_container', mine)['changed'] is False


def test_stopping_a_stopped_container_is_an_answer_not_an_error(busybox_image, unique_name):
    """The engine answers 304 Not Modified; EngineClient returns it (redirects are never followed, 304 is no redirect)."""
    from ansible_collections.tprov.docker.plugins.module_utils.engine_client import EngineClient
    docker('create', '--name', unique_name, busybox_image, 'sleep', '1')
    client = EngineClient.from_params({})
    try:
        response = client._call('POST', '/containers/%s/stop' % unique_name)
        assert response.status_code == 304
        assert client.post('/containers/%s/stop' % unique_name) is None
    finally:
        client.close()


@pytest.mark.parametrize('module,args,kind', [
    ('docker_api_container', {'memory': '12X'}, 'invalid_option'),
    ('docker_api_container', {'state': 'sideways'}, 'invalid_option'),
    ('docker_api_container', {'image': 'tprov-it/never-built:none', 'pull': 'never'}, 'invalid_option'),
    ('docker_api_container', {'networks': [{'name': 'tprov-it-no-such-network'}]}, 'invalid_option'),
    ('docker_api_container', {'command': ['/no/such/binary']}, 'api_error'),
    ('docker_api_containers', {'containers': [{'memory': '12X'}]}, 'invalid_option'),
    ('docker_api_containers', {'containers': [{'command': ['/no/such/binary']}]}, 'api_error'),
])
def test_container_failures_have_a_kind_and_keep_their_result_keys(busybox_image, unique_name, module, args, kind):
    entry = dict({'name': unique_name, 'image': busybox_image}, **args.get('containers', [args])[0])
    result = run_module(module, {'containers': [entry]} if module == 'docker_api_containers' else entry)
    assert result.failed and result['error_kind'] == kind, result
    if kind == 'api_error':  # failed at start: what was done so far is still reported
        assert result['actions'][:1] == ['Created container %s' % unique_name], result
        assert docker('ps', '-aq', '--filter', 'name=%s' % unique_name).stdout.strip() == ''  # and undone
