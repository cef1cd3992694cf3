"""Image references and docker save archives."""

import io
import json
import tarfile

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import images
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError


@pytest.mark.parametrize('name,tag,expected', [
    ('busybox', 'latest', 'busybox:latest'),
    ('busybox:1.36', 'latest', 'busybox:1.36'),
    ('redis', '7', 'redis:7'),
    ('localhost:5000/team/app', 'v1', 'localhost:5000/team/app:v1'),
    ('localhost:5000/team/app:2', 'v1', 'localhost:5000/team/app:2'),
    ('registry.example.com/a_b/c-d.e', None, 'registry.example.com/a_b/c-d.e:latest'),
    ('repo@sha256:' + 'a' * 64, 'latest', 'repo@sha256:' + 'a' * 64),
])
def test_parse(name, tag, expected):
    assert str(images.parse_image_reference(name, tag)) == expected


def test_image_ids():
    ref = images.parse_image_reference('sha256:' + 'b' * 64)
    assert ref.image_id == 'sha256:' + 'b' * 64 and ref.repository is None
    assert images.parse_image_reference('c' * 64).image_id == 'sha256:' + 'c' * 64


@pytest.mark.parametrize('name,tag,option', [
    ('Busybox', 'latest', 'name'), ('a b', 'latest', 'name'), ('repo', '.bad', 'tag'),
    ('repo:-bad', 'latest', 'name'), ('repo@md5:zz', 'latest', 'name'), ('', 'latest', 'name'),
    ('/leading', 'latest', 'name'), ('trailing/', 'latest', 'name'), ('x' * 256, 'latest', 'name'),
    ('repo', 't' * 129, 'tag'),
])
def test_bad_references_name_the_option(name, tag, option):
    with pytest.raises(images.ImageReferenceError) as info:
        images.parse_image_reference(name, tag)
    assert str(info.value).startswith(option)


def test_path_segment_is_quoted():
    assert images.parse_image_reference('localhost:5000/a/b:1').path_segment == 'localhost%3A5000%2Fa%2Fb%3A1'


def test_registry_auth_header_roundtrip():
    import base64
    header = images.registry_auth_header('u', 'p', 'registry.example.com')
    assert json.loads(base64.urlsafe_b64decode(header)) == {
        'username': 'u', 'password': 'p', 'serveraddress': 'registry.example.com'}


def _archive(tmp_path, manifest):
    path = tmp_path / 'a.tar'
    with tarfile.open(str(path), 'w') as tar:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo('manifest.json')
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return str(path)


def test_manifest_classic_and_oci_layouts(tmp_path):
    hexid = 'd' * 64
    classic = images.read_archive_manifest(_archive(tmp_path, [{'Config': hexid + '.json', 'RepoTags': ['a:1']}]))
    assert classic[0].image_id == 'sha256:' + hexid and classic[0].repo_tags == ['a:1']
    oci = images.read_archive_manifest(_archive(tmp_path, [{'Config': 'blobs/sha256/' + hexid, 'RepoTags': None}]))
    assert oci[0].image_id == 'sha256:' + hexid and oci[0].repo_tags == []


def test_manifest_problems(tmp_path):
    with pytest.raises(EngineError, match='holds no images'):
        images.read_archive_manifest(_archive(tmp_path, []))
    with pytest.raises(EngineError, match='not a sha256 blob'):
        images.read_archive_manifest(_archive(tmp_path, [{'Config': 'x.json'}]))
