"""Shapes that used to end in a traceback or in a container recreated on every run (issue 13, item 16)."""

import io
import json
import tarfile

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import container_spec as cs
from ansible_collections.tprov.docker.plugins.module_utils import images
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError


@pytest.mark.parametrize('healthcheck, option', [
    ({'test': 'true', 'retries': 'abc'}, 'healthcheck.retries'),
    ({'test': 'true', 'retries': -1}, 'healthcheck.retries'),
    ({'test': 'true', 'retries': True}, 'healthcheck.retries'),
    ({'test': 'true', 'interval': float('nan')}, 'healthcheck.interval'),
    ({'test': 'true', 'timeout': float('inf')}, 'healthcheck.timeout'),
    ({'test': 'true', 'start_period': -5}, 'healthcheck.start_period'),
    ({'test': 5}, 'healthcheck.test'),
    ({'test': {'CMD': 'x'}}, 'healthcheck.test'),
    ({'test': ['CMD', ['nested']]}, 'healthcheck.test'),
])
def test_bad_healthcheck_values_are_refused_by_name(healthcheck, option):
    with pytest.raises(cs.SpecError) as info:
        cs.parse_healthcheck(healthcheck)
    assert str(info.value).startswith(option + ': '), str(info.value)


def test_good_healthcheck_values_still_parse():
    parsed = cs.parse_healthcheck({'test': ['CMD', 'true'], 'retries': '3', 'interval': 1.5, 'timeout': '2s'})
    assert parsed == {'Test': ['CMD', 'true'], 'Retries': 3, 'Interval': 1500000000, 'Timeout': 2000000000}


@pytest.mark.parametrize('key', ['A=B', '=x', ''])
def test_env_name_with_equals_is_refused_by_name(key):
    with pytest.raises(cs.SpecError) as info:
        cs.stringify_mapping({key: 'v'}, 'env')
    assert str(info.value).startswith("env: the name %r" % key)
    assert cs.stringify_mapping({'A=B': 'v'}, 'labels') == {'A=B': 'v'}  # a label key may hold "="


def archive_with_manifest(tmp_path, manifest):
    path = str(tmp_path / 'image.tar')
    data = json.dumps(manifest).encode()
    with tarfile.open(path, 'w') as archive:
        info = tarfile.TarInfo('manifest.json')
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize('manifest, words', [
    ([5], 'entry 0 of manifest.json is not an image'),
    ([{'Config': 'a' * 64 + '.json'}, 'x'], 'entry 1 of manifest.json is not an image'),
    ([{'Config': ['x']}], 'entry 0 of manifest.json is not an image'),
    ([{'Config': 'a' * 64 + '.json', 'RepoTags': 'busybox:latest'}], 'entry 0 of manifest.json is not an image'),
    ({'Config': 'x'}, 'manifest.json that is not a list'),
])
def test_manifest_entries_that_are_not_images_are_refused(tmp_path, manifest, words):
    with pytest.raises(EngineError) as info:
        images.read_archive_manifest(archive_with_manifest(tmp_path, manifest))
    assert str(info.value).startswith('load_path %s' % tmp_path) and words in str(info.value), str(info.value)
