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
    assert cs.stringify_mapping({'a': 1, 'b': True, 'c': 'x'}, 'env') == {'a': '1', 'b': 'true', 'c': 'x'}
    with pytest.raises(cs.SpecError, match='env: the value of a is a list'):
        cs.stringify_mapping({'a': [1]}, 'env')


def test_binds_normalised():
    assert cs.parse_binds(['/a:/b', '/c:/d:ro', '/anon']) == (['/a:/b:rw', '/c:/d:ro'], ['/anon'])
    assert cs.normalise_bind('/a:/b') == '/a:/b:rw'


def test_differences_use_image_defaults():
    image = {'Config': {'Env': ['PATH=/bin'], 'Labels': {'from': 'image'}}}
    container = {'Config': {'Env': ['PATH=/bin', 'A=1'], 'Labels': {'from': 'image', 'x': 'y'}},
                 'HostConfig': {'NetworkMode': 'default', 'RestartPolicy': {'Name': ''}, 'Memory': 0}}
    values = cs.normalise_params({'env': {'A': 1}, 'labels': {'x': 'y'}, 'network_mode': 'bridge',
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
