"""container_backends.py: the pure parts of docker_api_containers' networks and volumes (the
managed label on what it makes, which labelled objects prune considers); the runs themselves are
tested against the engine in tests/integration/test_containers_networks_volumes.py."""

from ansible_collections.tprov.docker.plugins.module_utils import container_backends as cb
from ansible_collections.tprov.docker.plugins.module_utils import networks as nw
from ansible_collections.tprov.docker.plugins.module_utils import volumes as vol

LABEL = {'tprov.docker.managed': 'true'}


def test_network_made_by_the_batch_carries_the_label_but_does_not_compare_it():
    request = cb.labelled(nw.NetworkRequest({'name': 'back', 'labels': {'tier': 'db'}}), LABEL)
    assert nw.create_body(request)['Labels'] == {'tier': 'db', 'tprov.docker.managed': 'true'}
    # Recreated: what the old network had, the declared labels, and the managed label.
    old = {'Name': 'back', 'Driver': 'bridge', 'Labels': {'kept': '1'}, 'IPAM': {}}
    assert nw.create_body(request, old)['Labels'] == {'kept': '1', 'tier': 'db', 'tprov.docker.managed': 'true'}
    # A network made outside, without the label, is no difference (not recreated only to label it).
    assert nw.network_differences(request.values, dict(old, Labels={'tier': 'db'})) == []


def test_volume_made_by_the_batch_carries_the_label_but_does_not_compare_it():
    request = cb.labelled(vol.VolumeRequest({'name': 'data1', 'labels': {'backup': 'daily'}}), LABEL)
    assert vol.create_body(request)['Labels'] == {'backup': 'daily', 'tprov.docker.managed': 'true'}
    assert vol.volume_differences(request.values, {'Driver': 'local', 'Labels': {'backup': 'daily'}}) == []


def test_single_modules_add_no_label():
    assert nw.create_body(nw.NetworkRequest({'name': 'back'}))['Labels'] == {}
    assert vol.create_body(vol.VolumeRequest({'name': 'data1'}))['Labels'] == {}


def test_prune_candidates_are_the_undeclared_labelled_ones_once_each():
    listed = [{'Name': 'a'}, {'Name': 'b'}, {'Name': 'b'}, {'Name': ''}, {}, {'Name': 'c'}]
    assert cb.prune_candidates(listed, {'a'}) == ['b', 'c']
    assert cb.prune_candidates(None, set()) == []


def test_in_use_by_leaves_out_the_containers_this_run_prunes():
    # Check mode: the pruned container still exists, but the real run removes it first.
    assert cb.in_use_by(['app', 'outside'], ['app']) == ['outside']
    assert cb.in_use_by(['app'], ['app']) == []
    assert cb.in_use_by(None, []) == []
