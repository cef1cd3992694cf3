"""Inputs that used to end in a traceback, or in a container recreated on every run, refused by name
through the real modules and the real engine (issue 13, item 16). Nothing is created for them."""

import io
import json
import tarfile

import pytest

from tprov_testlib import docker, run_module

BUSYBOX = 'tprov-test/busybox:latest'


def exists(name):
    return docker('container', 'inspect', name, check=False).returncode == 0


@pytest.mark.parametrize('extra, option', [
    ({'healthcheck': {'test': 'true', 'retries': 'abc'}}, 'healthcheck.retries'),
    ({'healthcheck': {'test': 'true', 'interval': float('nan')}}, 'healthcheck.interval'),
    ({'healthcheck': {'test': 5}}, 'healthcheck.test'),
    ({'env': {'A=B': '1'}}, 'env'),
], ids=['retries-abc', 'interval-nan', 'test-5', 'env-key-with-equals'])
@pytest.mark.parametrize('module', ['docker_api_container', 'docker_api_containers'])
def test_shape_refused_by_name_and_nothing_created(busybox_image, unique_name, extra, option, module):
    spec = dict({'name': unique_name, 'image': busybox_image, 'pull': 'never', 'state': 'present'}, **extra)
    if module == 'docker_api_containers':
        result = run_module(module, {'containers': [spec]})  # run_module fails the test on a traceback
        prefix = 'containers[0] (%s): %s' % (unique_name, option)
    else:
        result = run_module(module, spec)
        prefix = option
    assert result.failed and result['msg'].startswith(prefix), result['msg']
    assert not exists(unique_name)


def test_manifest_entry_that_is_not_an_object_is_refused(tmp_path, unique_name):
    path = str(tmp_path / 'image.tar')
    data = json.dumps([{'Config': 'a' * 64 + '.json', 'RepoTags': [unique_name + ':1']}, 'oops']).encode()
    with tarfile.open(path, 'w') as archive:
        info = tarfile.TarInfo('manifest.json')
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    result = run_module('docker_api_image', {'name': unique_name, 'source': 'load', 'load_path': path})
    assert result.failed and 'entry 1 of manifest.json is not an image' in result['msg'], result['msg']
