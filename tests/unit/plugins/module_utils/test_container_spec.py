"""container_spec.py: each option declared once, and the declaration is the whole truth about it.

The module DOCUMENTATION and the table agree in both directions; every option the table declares
is parsed, written into the create body, and read back equal from inspect data shaped like the
engine's (so a forgotten branch or a build/read mismatch fails here, not as a container recreated on
every run); a request is parsed once and planning needs no engine.
"""

import ast
import os

import pytest
import yaml

from ansible_collections.tprov.docker.plugins.module_utils import container_spec as cs
from ansible_collections.tprov.docker.plugins.module_utils.containers import Observed, make_plan

from tprov_testlib import REPO_ROOT

SPEC_KEYS = ('type', 'elements', 'choices', 'aliases', 'default', 'required')


def documented_options(module_name):
    path = os.path.join(REPO_ROOT, 'plugins', 'modules', module_name + '.py')
    tree = ast.parse(open(path).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION':
            return yaml.safe_load(node.value.value)['options']
    raise AssertionError('no DOCUMENTATION in %s' % path)


def spec_view(spec):
    """name -> the keys both sides state, suboptions recursively (unset and false/empty are alike)."""
    view = {}
    for name, entry in spec.items():
        fields = dict((key, entry[key]) for key in SPEC_KEYS if entry.get(key) not in (None, False, []))
        if fields.get('choices'):
            fields['choices'] = [str(c) for c in fields['choices']]
        sub = entry.get('options', entry.get('suboptions'))
        if sub:
            fields['suboptions'] = spec_view(sub)
        view[name] = fields
    return view


def test_documentation_and_table_agree_both_ways():
    documented = spec_view(documented_options('docker_api_container'))
    declared = spec_view(cs.CONTAINER_ARGUMENT_SPEC)
    assert sorted(set(documented) - set(declared)) == [], 'documented, not declared'
    assert sorted(set(declared) - set(documented)) == [], 'declared, not documented'
    for name in declared:
        assert documented[name] == declared[name], name


def test_argument_spec_is_derived_from_the_table():
    # Each option's argument spec is its declaration's, nothing added elsewhere.
    for option in cs.OPTIONS:
        assert cs.CONTAINER_ARGUMENT_SPEC[option.name] is option.argument_spec
    assert set(cs.CONTAINER_ARGUMENT_SPEC) == set(cs.PARAMETERS) | set(cs.OPTIONS_BY_NAME)
    assert cs.CONTAINER_REQUIRED_BY == {'restart_retries': 'restart_policy', 'log_options': 'log_driver'}


def test_batch_module_documents_no_entry_suboptions_of_its_own():
    # docker_api_containers refers to docker_api_container for its entries instead of copying them.
    containers = documented_options('docker_api_containers')['containers']
    assert containers['type'] == 'list' and containers['elements'] == 'dict' and 'suboptions' not in containers


# One value per option the table declares: a new option needs a sample here (and so gets the round
# trip below).
SAMPLES = dict(
    command='sleep 1', entrypoint=['/bin/sh', '-c'], env={'A': '1', 'B': 'true'}, labels={'x': 'y'},
    hostname='h', domainname='example.com', user='1000:1000', working_dir='/srv',
    published_ports=['127.0.0.1:8080:80', '53:53/udp'], exposed_ports=['9000'], volumes=['/a:/b:ro', '/anon'],
    mounts=[{'target': '/t', 'type': 'tmpfs', 'tmpfs_size': '1m'}], tmpfs=['/run:size=1m'], read_only=True,
    restart_policy='on-failure', restart_retries=3, network_mode='front',
    networks=[{'name': 'front', 'aliases': ['web']}, {'name': 'back', 'ipv4_address': '10.1.0.9'}],
    dns_servers=['192.0.2.53'], dns_search_domains=['example.com'], etc_hosts={'db': '192.0.2.7'},
    memory='512m', memory_reservation='256m', cpus=0.5, cpu_shares=512, pids_limit=100,
    ulimits=['nofile:1024:2048'], capabilities=['net_admin'], cap_drop=['ALL'], privileged=True,
    security_opts=['no-new-privileges', 'systempaths=unconfined'], init=True, tty=True, interactive=True,
    healthcheck={'test': ['CMD', 'true'], 'interval': '5s', 'retries': 3}, log_driver='json-file',
    log_options={'max-size': '1m'}, stop_signal='kill', stop_timeout=5, auto_remove=True, cgroupns_mode='private',
)


def inspect_of(body, container_id='0123456789abcdef'):
    """Inspect data as the engine returns it for a create body (networks as NetworkSettings)."""
    config = dict((k, v) for k, v in body.items() if k not in ('HostConfig', 'NetworkingConfig'))
    endpoints = (body.get('NetworkingConfig') or {}).get('EndpointsConfig') or {}
    return {'Id': container_id, 'Config': config, 'HostConfig': body['HostConfig'],
            'NetworkSettings': {'Networks': dict(endpoints)}}


def test_every_declared_option_has_a_sample():
    assert set(SAMPLES) == set(cs.OPTIONS_BY_NAME)


@pytest.mark.parametrize('name', sorted(o.name for o in cs.OPTIONS if not o.part_of))
def test_every_option_is_parsed_built_and_read_back_equal(name):
    params = dict((key, SAMPLES[key]) for key in [name] + [o.name for o in cs.OPTIONS if o.part_of == name])
    if cs.OPTIONS_BY_NAME[name].requires:
        params[cs.OPTIONS_BY_NAME[name].requires] = SAMPLES[cs.OPTIONS_BY_NAME[name].requires]
    if name == 'networks':
        params['network_mode'] = SAMPLES['network_mode']
    values = cs.normalise_params(params)
    assert name in values  # parsed, not silently dropped
    body = cs.build_create_body('img', {name: values[name]})
    assert body != {'Image': 'img', 'HostConfig': {}}  # written into the create body
    container = inspect_of(body)
    if name == 'networks':  # the service connects the networks beyond the first after create
        container['NetworkSettings']['Networks'].update(
            (net, cs.endpoint_config(settings)) for net, settings in values['networks'].items())
    comparisons = cs.resolve_comparisons({'*': 'strict'})
    assert cs.differences({name: values[name]}, container, None, comparisons) == []
    # and compared: against a container without it, the sample (never the engine's default) differs
    assert cs.differences({name: values[name]}, {'Config': {}, 'HostConfig': {}}, None, comparisons) != []


def test_network_mode_default_reads_back_as_bridge():
    values = cs.normalise_params({'network_mode': 'default'})
    comparisons = cs.resolve_comparisons({})
    assert cs.differences(values, {'HostConfig': {}}, None, comparisons) == []
    assert cs.differences(cs.normalise_params({'network_mode': 'host'}), {'HostConfig': {}}, None, comparisons)


def test_env_and_labels_compare_through_their_hook():
    image = {'Config': {'Env': ['PATH=/bin'], 'Labels': {'from': 'image'}}}
    container = {'Config': {'Env': ['PATH=/bin', 'A=1', 'EXTRA=1'], 'Labels': {'from': 'image', 'x': 'y'}}}
    for name, value in (('env', {'A': '1'}), ('labels', {'x': 'y'})):
        option = cs.OPTIONS_BY_NAME[name]
        current = option.actual(container, image)
        assert option.same(value, current, 'allow_more_present', image)
        assert option.same(value, dict(current), 'strict', image) is (name == 'labels')  # EXTRA=1 is not asked for
    changes = cs.differences(cs.normalise_params({'env': {'A': 'secret'}}), container, image,
                             cs.resolve_comparisons({}))
    assert changes[0]['option'] == 'env' and 'secret' not in str(changes) and changes[0]['after']['A'].startswith(
        'hidden (')


def test_companions_need_their_option():
    with pytest.raises(cs.SpecError, match='^log_options needs log_driver'):
        cs.normalise_params({'log_options': {'max-size': '1m'}})
    with pytest.raises(cs.SpecError, match='^restart_retries goes with restart_policy: on-failure only'):
        cs.normalise_params({'restart_policy': 'always', 'restart_retries': 2})
    with pytest.raises(cs.SpecError, match='is not a compared option'):
        cs.resolve_comparisons({'restart_retries': 'ignore'})


def test_request_applies_defaults_and_parses_once():
    request = cs.ContainerRequest({'name': 'web', 'image': 'busybox', 'memory': '1m'})
    assert (request.state, request.pull, request.keep_volumes, request.wait_timeout) == ('started', 'missing', True, 60)
    assert request.values == {'memory': 1024 * 1024} and request.comparisons['env'] == 'allow_more_present'
    absent = cs.ContainerRequest.absent('old')
    assert absent.state == 'absent' and absent.values == {} and absent.force_kill is False
    with pytest.raises(cs.SpecError, match='^memory'):
        cs.ContainerRequest({'name': 'web', 'memory': '12X'})


def running(**host):
    return {'Id': 'c' * 64, 'Image': 'sha256:old', 'State': {'Running': True, 'Status': 'running'},
            'Config': {}, 'HostConfig': dict(host), 'NetworkSettings': {'Networks': {'bridge': {}}}}


def test_plan_needs_no_engine():
    # make_plan gets everything through its arguments: there is no client to call.
    request = cs.ContainerRequest({'name': 'web', 'image': 'busybox', 'memory': '64m', 'restart_policy': 'always',
                                   'networks': [{'name': 'back'}]})
    observed = Observed(running(Memory=0), {'Id': 'sha256:old'}, {'Id': 'sha256:old'}, request.values)
    plan = make_plan(request, observed)
    assert not plan.recreate and not plan.start
    assert plan.update == {'Memory': 64 * 1024 ** 2, 'RestartPolicy': {'Name': 'always', 'MaximumRetryCount': 0}}
    assert plan.networks == [('connect', 'back', {'aliases': None, 'ipv4_address': None, 'ipv6_address': None})]
    moved = make_plan(request, Observed(running(Memory=0), {'Id': 'sha256:new'}, {'Id': 'sha256:new'},
                                        request.values))
    assert moved.recreate and moved.start and moved.changes[0]['option'] == 'image'
    fresh = make_plan(request, Observed(None, {'Id': 'sha256:new'}, {'Id': 'sha256:new'}, request.values))
    assert fresh.create and fresh.start and fresh.changes == []
    gone = make_plan(cs.ContainerRequest.absent('web'), Observed(running()))
    assert gone.remove and gone.changed


# community.docker.docker_container's default comparison for each option both modules have, as its
# `comparisons` documentation states (strict for values and lists whose order matters,
# allow_more_present for sets and dicts, stop_timeout ignored), read off community.docker 4.8.5.
COMMUNITY_DOCKER_DEFAULTS = dict(
    auto_remove='strict', cap_drop='allow_more_present', capabilities='allow_more_present', cgroupns_mode='strict',
    command='strict', cpu_shares='strict', cpus='strict', dns_search_domains='strict', dns_servers='strict',
    domainname='strict', entrypoint='strict', env='allow_more_present', etc_hosts='allow_more_present',
    exposed_ports='allow_more_present', healthcheck='allow_more_present', hostname='strict', init='strict',
    interactive='strict', labels='allow_more_present', log_driver='strict', log_options='allow_more_present',
    memory='strict', memory_reservation='strict', mounts='allow_more_present', network_mode='strict',
    networks='allow_more_present', pids_limit='strict', privileged='strict', published_ports='allow_more_present',
    read_only='strict', restart_policy='strict', security_opts='allow_more_present', stop_signal='strict',
    stop_timeout='ignore', tmpfs='allow_more_present', tty='strict', ulimits='allow_more_present', user='strict',
    volumes='allow_more_present', working_dir='strict', image='strict',
)


def test_default_comparisons_are_community_docker_s():
    resolved = cs.resolve_comparisons({})
    assert resolved == COMMUNITY_DOCKER_DEFAULTS
    # comparisons still overrides, by name or alias; * sets every option
    assert cs.resolve_comparisons({'ports': 'strict', 'log_opt': 'ignore'})['published_ports'] == 'strict'
    assert cs.resolve_comparisons({'log_opt': 'ignore'})['log_options'] == 'ignore'
    assert set(cs.resolve_comparisons({'*': 'strict'}).values()) == {'strict'}


def test_fewer_entries_are_covered_more_are_not():
    container = running(ExtraHosts=['a:192.0.2.1', 'b:192.0.2.2'], Binds=['/x:/y:ro'],
                        LogConfig={'Type': 'json-file', 'Config': {'max-size': '1m', 'max-file': '2'}})
    container['Config'] = {'Volumes': {'/anon': {}}, 'Healthcheck': {'Test': ['CMD', 'true', 'x'], 'Interval': 5}}
    comparisons = cs.resolve_comparisons({})
    fewer = cs.normalise_params({'etc_hosts': {'a': '192.0.2.1'}, 'volumes': ['/anon'], 'log_driver': 'json-file',
                                 'log_options': {'max-size': '1m'}, 'healthcheck': {'test': ['CMD', 'true', 'x']}})
    assert cs.differences(fewer, container, None, comparisons) == []
    # a list inside a dict (the healthcheck's test) is one value: a shorter one is another command
    other = cs.normalise_params({'healthcheck': {'test': ['CMD', 'true']}, 'volumes': ['/x:/y']})
    assert [c['option'] for c in cs.differences(other, container, None, comparisons)] == ['volumes', 'healthcheck']


def test_all_capabilities_are_all_not_cap_all():
    assert cs.normalise_params({'cap_drop': ['all', 'net_raw'], 'capabilities': ['All']}) == {
        'cap_drop': ['ALL', 'CAP_NET_RAW'], 'capabilities': ['ALL']}


@pytest.mark.parametrize('value', [True, False, 1, 1.5, 0])
def test_env_values_must_be_strings_and_the_message_names_the_key(value):
    with pytest.raises(cs.SpecError, match=r'^env: the value of TEST1 is .*not a string; quote it'):
        cs.normalise_params({'env': {'A': 'ok', 'TEST1': value}})
    assert cs.normalise_params({'labels': {'TEST1': value}})['labels']['TEST1'] == (
        str(value).lower() if isinstance(value, bool) else str(value))


def test_log_options_that_are_not_strings_are_converted_with_a_warning():
    warnings = []
    values = cs.normalise_params({'log_driver': 'json-file', 'log_options': {'max-file': 5, 'compress': True,
                                                                             'max-size': '1m'}}, warnings)
    assert values['log_options'] == {'max-file': '5', 'compress': 'true', 'max-size': '1m'}
    assert warnings == [
        "log_options: the value of compress is True, not a string; it is sent as 'true'. Quote it to say so and "
        "silence this warning.",
        "log_options: the value of max-file is 5, not a string; it is sent as '5'. Quote it to say so and "
        "silence this warning."]
    request = cs.ContainerRequest({'name': 'x', 'log_driver': 'json-file', 'log_options': {'max-file': '5'}})
    assert request.warnings == []


def test_command_handling():
    parse = cs.OPTIONS_BY_NAME['command'].parse
    assert parse('sleep 3', 'command', {}) == parse(['sleep', '3'], 'command', {}) == ['sleep', '3']
    assert parse(['sh', '-c', 'sleep 3'], 'command', {'command_handling': 'correct'}) == ['sh', '-c', 'sleep 3']
    compat = {'command_handling': 'compatibility'}
    assert parse(['sh', '-c', 'sleep 3'], 'command', compat) == ['sh', '-c', 'sleep', '3']
    assert cs.normalise_params(dict(compat, command=[], entrypoint=[])) == {}
    assert cs.normalise_params({'command': [], 'entrypoint': []}) == {'command': [], 'entrypoint': []}


def test_host_port_range_to_one_container_port():
    assert cs.parse_published_ports(['9010-9050:9010', '127.0.0.1:53-54:53/udp']) == {
        '9010/tcp': [('', '9010-9050')], '53/udp': [('127.0.0.1', '53-54')]}
    with pytest.raises(cs.SpecError, match='same length'):
        cs.parse_published_ports(['9010-9050:9010-9011'])


@pytest.mark.parametrize('value', [-1, float('nan'), float('inf')])
def test_removal_wait_timeout_must_be_seconds(value):
    with pytest.raises(cs.SpecError, match='^removal_wait_timeout'):
        cs.ContainerRequest({'name': 'x', 'removal_wait_timeout': value})
    assert cs.ContainerRequest({'name': 'x', 'removal_wait_timeout': 2.5}).removal_wait_timeout == 2.5


def test_systempaths_unconfined_is_sent_as_the_docker_cli_sends_it():
    values = cs.normalise_params({'security_opts': ['seccomp=unconfined', 'systempaths=unconfined']})
    host = cs.build_create_body('img', values)['HostConfig']
    assert host['SecurityOpt'] == ['seccomp=unconfined'] and host['MaskedPaths'] == [] and host['ReadonlyPaths'] == []
    comparisons = cs.resolve_comparisons({})
    # A container created without it has the engine's masked and read-only paths: a difference.
    confined = {'HostConfig': {'SecurityOpt': ['seccomp=unconfined'], 'MaskedPaths': ['/proc/kcore'],
                               'ReadonlyPaths': ['/proc/sys']}}
    assert cs.differences(values, confined, None, comparisons) != []
    assert cs.differences(values, {'HostConfig': host}, None, comparisons) == []


@pytest.mark.parametrize('declared', [['jobs'], ['jobs', 'worker']])
def test_aliases_the_engine_adds_are_no_difference(declared):
    # dockerd 20.10 lists the short id and the hostname among a user network's aliases.
    values = cs.normalise_params({'hostname': 'worker', 'networks': [{'name': 'backend', 'aliases': declared}]})
    container = {'Id': 'd52ef58ab3341234', 'Config': {'Hostname': 'worker'}, 'HostConfig': {'NetworkMode': 'backend'},
                 'NetworkSettings': {'Networks': {'backend': {'Aliases': ['jobs', 'd52ef58ab334', 'worker']}}}}
    comparisons = cs.resolve_comparisons({})
    assert cs.differences(values, container, None, comparisons) == []
    # A declared alias the container lacks is still a difference, shown without the engine's own.
    other = cs.normalise_params({'hostname': 'worker', 'networks': [{'name': 'backend', 'aliases': ['api']}]})
    changes = cs.differences(other, container, None, comparisons)
    assert [c['option'] for c in changes] == ['networks']
    assert 'engine_aliases' not in str(changes) and changes[0]['before']['backend']['aliases'] == ['jobs']
