"""container_backends.py: the pure parts of docker_api_containers' networks and volumes (the
managed label on what it makes, which labelled objects prune considers); the runs themselves are
tested against the engine in tests/integration/test_containers_networks_volumes.py."""

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import container_backends as cb
from ansible_collections.tprov.docker.plugins.module_utils import networks as nw
from ansible_collections.tprov.docker.plugins.module_utils import volumes as vol
from ansible_collections.tprov.docker.plugins.module_utils.errors import InvalidOption

LABEL = {'tprov.docker.managed': 'true'}


def test_network_made_by_the_batch_carries_the_label_but_does_not_compare_it():
    request = cb.labelled(nw.NetworkRequest({'name': 'back', 'labels': {'tier': 'db'}}), LABEL)
    assert nw.create_body(request)['Labels'] == {'tier': 'db', 'tprov.docker.managed': 'true'}
    # Recreated: what the old network had and the declared labels; the managed label only if the
    # old one carried it (one made outside stays unlabelled, so prune never removes it).
    old = {'Name': 'back', 'Driver': 'bridge', 'Labels': {'kept': '1'}, 'IPAM': {}}
    assert nw.create_body(request, old)['Labels'] == {'kept': '1', 'tier': 'db'}
    managed = dict(old, Labels={'kept': '1', 'tprov.docker.managed': 'true'})
    assert nw.create_body(request, managed)['Labels'] == {'kept': '1', 'tier': 'db', 'tprov.docker.managed': 'true'}
    # A network made outside, without the label, is no difference (not recreated only to label it).
    assert nw.network_differences(request.values, dict(old, Labels={'tier': 'db'})) == []


def test_volume_made_by_the_batch_carries_the_label_but_does_not_compare_it():
    request = cb.labelled(vol.VolumeRequest({'name': 'data1', 'labels': {'backup': 'daily'}}), LABEL)
    assert vol.create_body(request)['Labels'] == {'backup': 'daily', 'tprov.docker.managed': 'true'}
    # Recreated (recreate: options-changed): the managed label only if the old volume carried it.
    assert vol.create_body(request, {'Name': 'data1', 'Labels': None})['Labels'] == {'backup': 'daily'}
    assert vol.create_body(request, {'Name': 'data1', 'Labels': {'tprov.docker.managed': 'true'}})['Labels'] == {
        'backup': 'daily', 'tprov.docker.managed': 'true'}
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


def test_a_declared_managed_label_of_another_value_is_refused():
    # The module would set its own value at create and then find it differs: a recreate every run.
    for request in (nw.NetworkRequest({'name': 'back', 'labels': {'tprov.docker.managed': 'no'}}),
                    vol.VolumeRequest({'name': 'data1', 'labels': {'tprov.docker.managed': False}})):
        with pytest.raises(InvalidOption, match=r'^labels: tprov.docker.managed is set by the module \(managed_label'):
            cb.labelled(request, LABEL)
    # The same value is no conflict.
    same = cb.labelled(vol.VolumeRequest({'name': 'data1', 'labels': {'tprov.docker.managed': True}}), LABEL)
    assert vol.create_body(same)['Labels'] == LABEL


def test_run_order_puts_absent_networks_and_volumes_after_the_containers():
    requests = [vol.VolumeRequest({'name': n, 'state': s}) for n, s in (('va', 'absent'), ('vb', 'present'),
                                                                        ('vc', 'absent'))]
    present, absent = cb.run_order(requests)
    assert [r.name for r in present] == ['vb'] and [r.name for r in absent] == ['va', 'vc']
