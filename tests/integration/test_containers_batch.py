"""docker_api_containers against the real engine: many entries, one module run, prune by label."""

from tprov_testlib import docker, run_module


def _names(prefix):
    out = docker('ps', '-a', '--format', '{{.Names}}', '--filter', 'name=%s' % prefix).stdout.split()
    return sorted(out)


def test_batch_converges_once_prunes_only_its_own(busybox_image, busybox_archive, unique_name):
    archive, image_id = busybox_archive
    label = unique_name  # a label value of this test's own, so other runs' containers are not pruned
    containers = [
        {'name': unique_name + '-a', 'image': busybox_image, 'command': 'sleep 300', 'memory': '32m'},
        {'name': unique_name + '-b', 'image': busybox_image, 'command': 'sleep 300', 'state': 'present',
         'published_ports': ['127.0.0.1:18123:80']},
    ]
    args = {'images': [{'name': 'tprov-it/%s' % unique_name, 'tag': 'loaded', 'source': 'load',
                        'load_path': archive}],
            'containers': containers, 'managed_label_value': label, 'prune': True}
    check = run_module('docker_api_containers', args, check=True, diff=True)
    assert check['changed'] and _names(unique_name) == []
    assert [d['after_header'] for d in check['diff']] == [unique_name + '-a', unique_name + '-b']

    first = run_module('docker_api_containers', args)
    assert first['changed'] and first['images'][0]['changed'] and first['images'][0]['id'] == image_id
    # The image service's actions are reported with the containers', in order.
    assert 'image' in first['actions'][0] and 'tprov-it/%s:loaded' % unique_name in first['actions'][0], first['actions']
    assert first['actions'][1] == 'Created container %s-a' % unique_name, first['actions']
    assert [(c['name'], c['changed'], c['state']) for c in first['containers']] == [
        (unique_name + '-a', True, 'running'), (unique_name + '-b', True, 'created')]
    labels = docker('inspect', '--format', '{{ index .Config.Labels "tprov.docker.managed" }}', unique_name + '-a')
    assert labels.stdout.strip() == label

    again = run_module('docker_api_containers', args)
    assert again['changed'] is False and again['pruned'] == [] and again['actions'] == []

    # One option changes: only that container is touched, and the change is named.
    args['containers'][0] = dict(containers[0], memory='48m')
    moved = run_module('docker_api_containers', args)
    assert [c['changed'] for c in moved['containers']] == [True, False]
    assert moved['containers'][0]['changes'][0]['option'] == 'memory'

    # A container made outside (no label) is never pruned; a dropped managed one is.
    docker('create', '--name', unique_name + '-outside', busybox_image, 'sleep', '1')
    args['containers'] = args['containers'][:1]
    pruned = run_module('docker_api_containers', args)
    assert pruned['pruned'] == [unique_name + '-b']
    assert _names(unique_name) == [unique_name + '-a', unique_name + '-outside']


def test_batch_bad_entry_anywhere_changes_nothing(busybox_image, unique_name):
    good = {'name': unique_name + '-good', 'image': busybox_image, 'command': 'sleep 300'}
    for bad, needle in [({'name': unique_name + '-bad', 'image': busybox_image, 'memory': '12X'},
                         'containers[1] (%s-bad): memory' % unique_name),
                        ({'name': unique_name + '-bad', 'image': busybox_image, 'state': 'sideways'},
                         'containers[1] (%s-bad): value of state must be one of' % unique_name),
                        ({'image': busybox_image}, 'containers[1]: missing required arguments: name'),
                        (dict(good), 'containers[1] (%s-good) is declared twice' % unique_name)]:
        result = run_module('docker_api_containers', {'containers': [good, bad]})
        assert result.failed and result['msg'].startswith(needle), result['msg']
        assert _names(unique_name) == []
    image = run_module('docker_api_containers', {'images': [{'name': 'tprov-it/x', 'source': 'load'}],
                                                 'containers': [good]})
    assert image.failed and 'images[0] (tprov-it/x)' in image['msg'] and 'load_path' in image['msg']
    assert _names(unique_name) == []
