"""Container option parsing and comparison, without an engine."""

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import container_spec as cs


@pytest.mark.parametrize('specs,expected', [
    (['8080:80'], {'80/tcp': [('', '8080')]}),
    (['0.0.0.0:8080:80'], {'80/tcp': [('', '8080')]}),
    (['127.0.0.1:8080:80/tcp'], {'80/tcp': [('127.0.0.1', '8080')]}),
    (['[::1]:53:53/udp'], {'53/udp': [('::1', '53')]}),
    (['80'], {'80/tcp': [('', '')]}),
    (['9000-9001:8000-8001'], {'8000/tcp': [('', '9000')], '8001/tcp': [('', '9001')]}),
    (['8080:80', '8081:80'], {'80/tcp': [('', '8080'), ('', '8081')]}),
])
def test_published_ports(specs, expected):
    assert cs.parse_published_ports(specs) == expected


@pytest.mark.parametrize('spec', ['a:b:c:d', 'x:80', '70000:80', '80/icmp', '1-3:1-2', 'host.name:80:80', '[::1:80'])
def test_bad_published_ports(spec):
    with pytest.raises(cs.SpecError) as info:
        cs.parse_published_ports([spec])
    assert str(info.value).startswith('published_ports')


@pytest.mark.parametrize('value,expected', [('512m', 512 * 1024 ** 2), ('1g', 1024 ** 3), ('1.5k', 1536),
                                            (1024, 1024), ('2048', 2048), ('1GB', 1024 ** 3)])
def test_sizes(value, expected):
    assert cs.parse_size(value, 'memory') == expected


@pytest.mark.parametrize('value', ['12X', '', 'm', True, '-1m'])
def test_bad_sizes(value):
    with pytest.raises(cs.SpecError, match='^memory'):
        cs.parse_size(value, 'memory')


@pytest.mark.parametrize('value,expected', [('30s', 30 * 10 ** 9), ('1m30s', 90 * 10 ** 9), ('500ms', 5 * 10 ** 8),
                                            (2, 2 * 10 ** 9), ('1h', 3600 * 10 ** 9)])
def test_durations(value, expected):
    assert cs.parse_duration(value, 'x') == expected


def test_env_stringified_and_nested_refused():
    # labels are stringified; env values that are not strings are refused (see test_container_spec under plugins/)
    assert cs.stringify_mapping({'a': 1, 'b': True, 'c': 'x'}, 'labels') == {'a': '1', 'b': 'true', 'c': 'x'}
    with pytest.raises(cs.SpecError, match='env: the value of a is a list'):
        cs.stringify_mapping({'a': [1]}, 'env')


def test_binds_normalised():
    assert cs.parse_binds(['/a:/b', '/c:/d:ro', '/anon']) == (['/a:/b:rw', '/c:/d:ro'], ['/anon'])
    assert cs.normalise_bind('/a:/b') == '/a:/b:rw'


def test_differences_use_image_defaults():
    image = {'Config': {'Env': ['PATH=/bin'], 'Labels': {'from': 'image'}}}
    container = {'Config': {'Env': ['PATH=/bin', 'A=1'], 'Labels': {'from': 'image', 'x': 'y'}},
                 'HostConfig': {'NetworkMode': 'default', 'RestartPolicy': {'Name': ''}, 'Memory': 0}}
    values = cs.normalise_params({'env': {'A': '1'}, 'labels': {'x': 'y'}, 'network_mode': 'bridge',
                                  'restart_policy': 'no'})
    comparisons = cs.resolve_comparisons({'*': 'strict'})
    assert cs.differences(values, container, image, comparisons) == []
    values = cs.normalise_params({'memory': '1m'})
    assert cs.differences(values, container, image, comparisons) == [
        {'option': 'memory', 'before': 0, 'after': 1024 * 1024}]


def test_create_body():
    values = cs.normalise_params({'command': 'sleep 1', 'published_ports': ['8080:80'], 'memory': '1m',
                                  'restart_policy': 'on-failure', 'restart_retries': 3, 'interactive': True})
    body = cs.build_create_body('img', values)
    assert body['Cmd'] == ['sleep', '1'] and body['ExposedPorts'] == {'80/tcp': {}}
    assert body['HostConfig']['PortBindings'] == {'80/tcp': [{'HostIp': '', 'HostPort': '8080'}]}
    assert body['HostConfig']['RestartPolicy'] == {'Name': 'on-failure', 'MaximumRetryCount': 3}
    assert body['OpenStdin'] is True and body['HostConfig']['Memory'] == 1024 * 1024


def _net(aliases=None, ipv4=None, ipv6=None):
    return {'aliases': aliases, 'ipv4_address': ipv4, 'ipv6_address': ipv6}


def test_networks_parse_keeps_order_and_adds_network_mode():
    parsed = cs.parse_networks([{'name': 'b', 'aliases': ['y', 'x', 'x']}, {'name': 'a', 'ipv4_address': '10.0.0.5'}])
    assert list(parsed) == ['b', 'a']
    assert parsed['b'] == _net(['x', 'y']) and parsed['a'] == _net(ipv4='10.0.0.5')
    with_mode = cs.parse_networks([{'name': 'a'}], network_mode='default')
    assert list(with_mode) == ['a', 'bridge']


@pytest.mark.parametrize('specs,mode,needle', [
    ([{'name': 'a'}], 'host', 'network_mode host'),
    ([{'name': 'a'}], 'container:other', 'network_mode container:other'),
    ([{'aliases': ['x']}], None, 'networks[0] needs a name'),
    ([{'name': 'a'}, {'name': 'a'}], None, 'twice'),
    ([{'name': 'a', 'ipv4_address': '10.0.0.300'}], None, 'networks[0].ipv4_address'),
    ([{'name': 'a', 'ipv4_address': 'fd00::1'}], None, 'IPv6 address'),
    ([{'name': 'a', 'ipv6_address': '10.0.0.1'}], None, 'IPv4 address'),
])
def test_networks_bad_input(specs, mode, needle):
    with pytest.raises(cs.SpecError) as info:
        cs.parse_networks(specs, mode)
    assert needle in str(info.value)


def test_networks_build_uses_first_network_as_mode_and_only_its_endpoint():
    body = cs.build_create_body('img', {'networks': cs.parse_networks([
        {'name': 'front', 'aliases': ['web']}, {'name': 'back', 'ipv4_address': '10.1.0.9'}])})
    assert body['HostConfig']['NetworkMode'] == 'front'
    assert body['NetworkingConfig'] == {'EndpointsConfig': {'front': {'Aliases': ['web']}}}
    explicit = cs.build_create_body('img', {'network_mode': 'bridge', 'networks': cs.parse_networks(
        [{'name': 'back'}], 'bridge')})
    assert explicit['HostConfig']['NetworkMode'] == 'bridge'


def test_networks_actual_drops_the_engines_short_id_alias():
    container = {'Id': '0123456789abcdef', 'NetworkSettings': {'Networks': {
        'front': {'Aliases': ['web', '0123456789ab'], 'IPAMConfig': None},
        'back': {'Aliases': None, 'IPAMConfig': {'IPv4Address': '10.1.0.9'}}}}}
    assert cs.OPTIONS_BY_NAME['networks'].actual(container, None) == {
        'front': dict(_net(['web']), engine_aliases=['0123456789ab']),
        'back': dict(_net([], ipv4='10.1.0.9'), engine_aliases=None)}


@pytest.mark.parametrize('wanted,mode,expected', [
    ({'a': _net()}, 'allow_more_present', []),
    ({'a': _net(), 'c': _net(['z'])}, 'allow_more_present', [('connect', 'c', _net(['z']))]),
    ({'a': _net()}, 'strict', [('disconnect', 'b', _net([]))]),
    ({'a': _net(['new'])}, 'allow_more_present',
     [('disconnect', 'a', _net(['old'], '10.0.0.2')), ('connect', 'a', _net(['new'], '10.0.0.2'))]),
    ({'a': _net(ipv4='10.0.0.2'), 'b': _net([])}, 'strict', []),
])
def test_network_operations(wanted, mode, expected):
    current = {'a': _net(['old'], '10.0.0.2'), 'b': _net([])}
    assert cs.network_operations(wanted, current, mode) == expected
    assert cs.OPTIONS_BY_NAME['networks'].same(wanted, current, mode) is (expected == [])


@pytest.mark.parametrize('cpus', [float('inf'), float('-inf'), float('nan'), 0, -1, 1e9])
def test_cpus_must_be_a_finite_positive_count(cpus):
    with pytest.raises(cs.SpecError) as info:
        cs.normalise_params({'cpus': cpus})
    assert str(info.value).startswith('cpus must be a number of CPUs above 0')
