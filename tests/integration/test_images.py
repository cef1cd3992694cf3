"""docker_api_image and docker_api_image_info against the real engine (no registry is reachable)."""

import gzip
import os
import shutil
import tarfile

from tprov_testlib import docker, run_module


def image_id(ref):
    proc = docker('image', 'inspect', '--format', '{{.Id}}', ref, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def test_load_tag_rerun_and_remove(busybox_archive, unique_name):
    archive, archive_id = busybox_archive
    ref = 'tprov-it/%s:1.0' % unique_name
    args = {'name': ref, 'source': 'load', 'load_path': archive}

    # Check mode first: reports the load, changes nothing.
    predicted = run_module('docker_api_image', args, check=True, diff=True)
    assert predicted['changed'] is True and not predicted.failed
    assert predicted['diff']['before']['exists'] is False
    assert image_id(ref) is None

    first = run_module('docker_api_image', args, diff=True)
    assert first['changed'] is True, first
    assert first['image']['Id'] == archive_id == image_id(ref)
    assert ref in first['image']['RepoTags']
    assert first['diff']['after']['id'] == archive_id
    # The archive's image was already present under another name: tagging was enough.
    assert first['actions'] == ['Tagged image %s as %s' % (archive_id, ref)]

    again = run_module('docker_api_image', args)
    assert again['changed'] is False and again['actions'] == []
    assert run_module('docker_api_image', args, check=True)['changed'] is False

    # Tag as another repository: changed once, then not.
    alias = 'tprov-it/%s-alias:stable' % unique_name
    tagged = run_module('docker_api_image', {'name': ref, 'repository': alias})
    assert tagged['changed'] is True and image_id(alias) == archive_id
    assert run_module('docker_api_image', {'name': ref, 'repository': alias})['changed'] is False

    # Remove: check mode keeps it, then removes, then absent is unchanged.
    assert run_module('docker_api_image', {'name': alias, 'state': 'absent'}, check=True)['changed'] is True
    assert image_id(alias) == archive_id
    removed = run_module('docker_api_image', {'name': alias, 'state': 'absent'}, diff=True)
    assert removed['changed'] is True and image_id(alias) is None
    assert removed['diff']['after']['exists'] is False
    assert run_module('docker_api_image', {'name': alias, 'state': 'absent'})['changed'] is False
    assert image_id(ref) == archive_id  # the other tag still holds the image


def test_load_into_engine_that_lacks_the_image(busybox_archive, tls_daemon, unique_name, workdir):
    """The TLS daemon starts empty: the archive is really uploaded (and over mutual TLS)."""
    archive, archive_id = busybox_archive
    ref = 'tprov-it/%s:loaded' % unique_name
    args = dict(tls_daemon.client_args(), name=ref, source='load', load_path=archive)
    predicted = run_module('docker_api_image', args, check=True)
    assert predicted['changed'] is True
    assert predicted['actions'][0].startswith('Loaded image %s' % ref)
    loaded = run_module('docker_api_image', args)
    assert loaded['changed'] is True and loaded['image']['Id'] == archive_id, loaded
    assert run_module('docker_api_image', args)['changed'] is False
    info = run_module('docker_api_image_info', dict(tls_daemon.client_args(), name=[ref]))
    assert [i['Id'] for i in info['images']] == [archive_id]
    # A gzip-compressed archive is read the same way (manifest from the compressed tar).
    gz = os.path.join(workdir, 'busybox.tar.gz')
    with open(archive, 'rb') as src, gzip.open(gz, 'wb') as dst:
        shutil.copyfileobj(src, dst)
    assert run_module('docker_api_image', dict(args, load_path=gz))['changed'] is False
    removed = run_module('docker_api_image', dict(tls_daemon.client_args(), name=ref, state='absent', force=True))
    assert removed['changed'] is True


def test_load_follows_a_new_archive_under_the_same_tag(unique_name, workdir):
    from engine_bed import build_busybox
    ref = 'tprov-it/%s:moving' % unique_name
    first_id = build_busybox(ref, marker='one')
    first_tar = os.path.join(workdir, '%s-1.tar' % unique_name)
    docker('save', '-o', first_tar, ref)
    second_id = build_busybox(ref, marker='two')
    second_tar = os.path.join(workdir, '%s-2.tar' % unique_name)
    docker('save', '-o', second_tar, ref)
    assert first_id != second_id
    result = run_module('docker_api_image', {'name': ref, 'source': 'load', 'load_path': first_tar}, diff=True)
    assert result['changed'] is True and image_id(ref) == first_id
    assert result['diff']['before']['id'] == second_id and result['diff']['after']['id'] == first_id
    assert run_module('docker_api_image', {'name': ref, 'source': 'load', 'load_path': first_tar})['changed'] is False
    # force reloads, but the same id means nothing changed on the host.
    forced = run_module('docker_api_image', {'name': ref, 'source': 'load', 'load_path': first_tar, 'force': True})
    assert forced['changed'] is False and forced['actions']
    docker('rmi', '-f', first_id, second_id, check=False)


def test_pull_without_registry_fails_cleanly(unique_name):
    # No registry is reachable here: the daemon's own error, one line, nothing left behind.
    ref = 'tprov-it/%s:nothere' % unique_name
    result = run_module('docker_api_image', {'name': ref})
    assert result.failed
    assert result['msg'].startswith('Docker engine: ') and '\n' not in result['msg']
    assert image_id(ref) is None


def test_present_image_is_not_pulled_again(busybox_image):
    # Pull is skipped for an image that exists: no registry needed, nothing changed.
    result = run_module('docker_api_image', {'name': busybox_image}, diff=True)
    assert result['changed'] is False and result['image']['Id'] == image_id(busybox_image)
    assert result['diff']['before'] == result['diff']['after']


def test_invalid_image_names_name_the_option():
    for bad, needle in (('Busybox', 'lowercase'), ('bad name', 'not a valid image repository'),
                        ('repo:bad tag', 'not a valid tag'), ('repo@sha256:xyz', 'not a digest'), ('', 'name')):
        result = run_module('docker_api_image', {'name': bad, 'source': 'pull'})
        assert result.failed, bad
        assert result['msg'].startswith('name') and needle in result['msg'], (bad, result['msg'])
    bad_tag = run_module('docker_api_image', {'name': 'busybox', 'tag': '-x'})
    assert bad_tag.failed and bad_tag['msg'].startswith('tag:')
    bad_repo = run_module('docker_api_image', {'name': 'busybox', 'repository': 'UPPER'})
    assert bad_repo.failed and bad_repo['msg'].startswith('repository:')


def test_load_path_problems(tmp_path, unique_name):
    missing = run_module('docker_api_image', {'name': unique_name, 'source': 'load',
                                              'load_path': str(tmp_path / 'none.tar')})
    assert missing.failed and 'cannot be read' in missing['msg']
    not_tar = tmp_path / 'not.tar'
    not_tar.write_text('hello')
    result = run_module('docker_api_image', {'name': unique_name, 'source': 'load', 'load_path': str(not_tar)})
    assert result.failed and 'not a tar archive' in result['msg']
    export_like = tmp_path / 'rootfs.tar'
    with tarfile.open(str(export_like), 'w') as tar:
        (tmp_path / 'etc').mkdir()
        tar.add(str(tmp_path / 'etc'), arcname='etc')
    result = run_module('docker_api_image', {'name': unique_name, 'source': 'load', 'load_path': str(export_like)})
    assert result.failed and 'no manifest.json' in result['msg']
    no_path = run_module('docker_api_image', {'name': unique_name, 'source': 'load'})
    assert no_path.failed and 'load_path' in no_path['msg']


def test_image_info_inspect_missing_and_list(busybox_image, unique_name):
    result = run_module('docker_api_image_info', {'name': [busybox_image, 'tprov-it/%s:none' % unique_name]})
    assert not result.failed
    assert [i['Id'] for i in result['images']] == [image_id(busybox_image)]
    assert result['missing'] == ['tprov-it/%s:none' % unique_name]
    by_id = run_module('docker_api_image_info', {'name': [image_id(busybox_image)]})
    assert by_id['images'][0]['RepoTags']
    listed = run_module('docker_api_image_info', {'filters': {'reference': busybox_image}})
    assert [i['Id'] for i in listed['images']] == [image_id(busybox_image)]
    everything = run_module('docker_api_image_info', {})
    assert len(everything['images']) >= 1
    bad = run_module('docker_api_image_info', {'name': ['NOT VALID']})
    assert bad.failed and bad['msg'].startswith('name:')


def test_image_search_without_hub_is_a_message():
    result = run_module('docker_api_image_info', {'search': 'octobug/'})
    # This machine cannot reach Docker Hub: the daemon's error comes back as msg, no traceback.
    if result.failed:
        assert result['msg'].startswith('Docker engine: ')
    else:
        assert isinstance(result['search_results'], list)
    empty = run_module('docker_api_image_info', {'search': '  '})
    assert empty.failed and 'search' in empty['msg']


def test_error_inside_a_200_load_stream_fails_the_task(busybox_archive, tmp_path, unique_name):
    """dockerd reports a corrupt layer as {"error": ...} inside an HTTP 200 stream: it must not pass."""
    import hashlib
    import io
    import json
    archive = busybox_archive[0]
    ref = 'tprov-it/%s:broken' % unique_name
    broken = str(tmp_path / 'broken.tar')
    with tarfile.open(archive) as src, tarfile.open(broken, 'w') as dst:
        manifest = json.loads(src.extractfile('manifest.json').read())
        config = json.loads(src.extractfile(manifest[0]['Config']).read())
        # A layer the engine has never seen (new diff id), whose tar is garbage.
        config['rootfs']['diff_ids'] = ['sha256:' + hashlib.sha256(unique_name.encode()).hexdigest()]
        config_bytes = json.dumps(config).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + '.json'
        garbage = b'not a tar archive' * 64
        manifest = [{'Config': config_name, 'RepoTags': [ref], 'Layers': ['layer/layer.tar']}]
        for name, data in ((config_name, config_bytes), ('layer/layer.tar', garbage),
                           ('manifest.json', json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    result = run_module('docker_api_image', {'name': ref, 'source': 'load', 'load_path': broken})
    assert result.failed
    assert result['msg'].startswith('Docker engine: ') and 'during POST /images/load' in result['msg']
    assert image_id(ref) is None
