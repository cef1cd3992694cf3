"""networks.py: the request's checks and the pure plan (no engine; the service is tested in
tests/integration/test_networks.py)."""

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import networks as nw
from ansible_collections.tprov.docker.plugins.module_utils.errors import InUse, InvalidOption

CID = 'a1b2c3d4e5f6' + '0' * 52


def request(**params):
    base = dict(name='net1', state='present', force=False)
    base.update(params)
    return nw.NetworkRequest(base)


def inspect(**over):
    """A network's inspect data as dockerd 20.10 returns it for docker network create --subnet."""
    data = {'Name': 'net1', 'Id': 'f' * 64, 'Driver': 'bridge', 'EnableIPv6': False, 'Internal': False,
            'Attachable': False, 'IPAM': {'Driver': 'default', 'Options': {}, 'Config': [
                {'Subnet': '10.77.0.0/24', 'Gateway': '10.77.0.1'}]},
            'Options': {'com.docker.network.bridge.enable_icc': 'true'}, 'Labels': {'team': 'web'},
            'Containers': {}}
    data.update(over)
    return data


def user(name='web', aliases=('app',), ipv4='10.77.0.10'):
    return nw.NetworkUser(CID, name, {'Aliases': list(aliases) + [CID[:12]],
                                      'IPAMConfig': {'IPv4Address': ipv4} if ipv4 else None})


def plan(req, network=None, users=None, others=None, swarm_manager=None):
    return nw.make_network_plan(req, nw.NetworkObserved(network, users=users, others=others,
                                                        swarm_manager=swarm_manager))


# -- the request -------------------------------------------------------------------------------

@pytest.mark.parametrize('config,enable_ipv6,words', [
    ([{'subnet': '10.0.0.0/24', 'gateway': '10.0.1.1'}], None, 'ipam.config[0]: gateway 10.0.1.1 is not in subnet'),
    ([{'subnet': '10.0.0.0/16'}, {'subnet': '10.0.5.0/24'}], None, 'ipam.config[1]: subnet 10.0.5.0/24 overlaps'),
    ([{'subnet': 'fd00:1::/64'}], None, 'ipam.config[0]: subnet fd00:1::/64 is IPv6; set enable_ipv6: true'),
    ([{'subnet': '10.0.0.5/24'}], None, 'ipam.config[0].subnet: 10.0.0.5/24 has host bits set; the subnet is '
                                        '10.0.0.0/24'),
    ([{'subnet': '10.0.0.0/33'}], None, "ipam.config[0].subnet: '10.0.0.0/33' is not a subnet"),
    ([{'subnet': 'ten'}], None, "ipam.config[0].subnet: 'ten' is not a subnet"),
    ([{'subnet': '10.0.0.0/24', 'ip_range': '10.0.1.0/25'}], None, 'ip_range 10.0.1.0/25 is not inside subnet'),
    ([{'subnet': '10.0.0.0/24', 'aux_addresses': {'r': '10.9.0.1'}}], None,
     'ipam.config[0].aux_addresses: r (10.9.0.1) is not in subnet 10.0.0.0/24'),
    ([{'subnet': '10.0.0.0/24', 'gateway': 'fd00::1'}], True, 'gateway fd00::1 is not in subnet'),
    ([{'subnet': '10.0.0.0/24', 'gateway': 'gw'}], None, "ipam.config[0].gateway: 'gw' is not an IP address"),
])
def test_bad_ipam_names_ipam_and_the_fix(config, enable_ipv6, words):
    with pytest.raises(InvalidOption) as info:
        request(ipam={'config': config}, enable_ipv6=enable_ipv6)
    assert words in str(info.value)
    assert info.value.kind == 'invalid_option'


def test_ipam_is_normalised_as_the_engine_writes_it():
    req = request(enable_ipv6=True, ipam={'driver': 'default', 'config': [
        {'subnet': 'FD00:0:0:1::/64', 'gateway': 'fd00:0:0:1:0::1'},
        {'subnet': '10.1.0.0/16', 'ip_range': '10.1.5.0/24', 'aux_addresses': {'router': '10.1.0.5'}}]})
    assert req.values['ipam.config'] == [
        {'subnet': 'fd00:0:0:1::/64', 'gateway': 'fd00:0:0:1::1'},
        {'subnet': '10.1.0.0/16', 'ip_range': '10.1.5.0/24', 'aux_addresses': {'router': '10.1.0.5'}}]
    assert req.values['ipam.driver'] == 'default'


def test_only_declared_options_are_values_and_mappings_become_strings():
    req = request(driver_options={'com.docker.network.driver.mtu': 1400}, labels={'on': True}, internal=False)
    assert req.values == {'driver_options': {'com.docker.network.driver.mtu': '1400'}, 'labels': {'on': 'true'},
                          'internal': False}
    assert request(ipam={'config': []}).values == {}  # an empty config leaves the subnets to the engine


@pytest.mark.parametrize('name', ['', '  ', 'a/b', 'two words'])
def test_bad_names(name):
    with pytest.raises(InvalidOption) as info:
        request(name=name)
    assert str(info.value).startswith('name')


# -- comparing ---------------------------------------------------------------------------------

def test_what_the_engine_fills_in_is_no_difference():
    req = request(driver='bridge', ipam={'driver': 'default', 'config': [{'subnet': '10.77.0.0/24'}]},
                  driver_options={}, labels={'team': 'web'}, internal=False, attachable=False, enable_ipv6=False)
    assert nw.network_differences(req.values, inspect()) == []
    empty_aux = request(ipam={'config': [{'subnet': '10.77.0.0/24', 'aux_addresses': {}}]})
    assert nw.network_differences(empty_aux.values, inspect()) == []
    written_loosely = inspect(IPAM={'Config': [{'Subnet': '10.77.0.9/24', 'Gateway': '10.77.0.1/24'}]})
    assert nw.network_differences(request(ipam={'config': [{'subnet': '10.77.0.0/24', 'gateway': '10.77.0.1'}]}).values,
                                  written_loosely) == []
    # Nothing declared: nothing compared, whatever the network has.
    assert nw.network_differences(request().values, inspect(Driver='macvlan', Internal=True)) == []


def test_each_declared_difference_is_named_with_before_and_after():
    req = request(driver='macvlan', internal=True, labels={'team': 'db', 'tier': '1'},
                  ipam={'config': [{'subnet': '10.77.0.0/24', 'gateway': '10.77.0.254'}]})
    changes = nw.network_differences(req.values, inspect())
    assert changes == [
        {'option': 'driver', 'before': 'bridge', 'after': 'macvlan'},
        {'option': 'internal', 'before': False, 'after': True},
        {'option': 'ipam.config', 'before': [{'subnet': '10.77.0.0/24', 'gateway': '10.77.0.1'}],
         'after': [{'subnet': '10.77.0.0/24', 'gateway': '10.77.0.254'}]},
        {'option': 'labels', 'before': {'team': 'web', 'tier': None}, 'after': {'team': 'db', 'tier': '1'}},
    ]


def test_a_subnet_added_or_dropped_is_a_difference():
    wider = request(ipam={'config': [{'subnet': '10.77.0.0/16'}]})
    assert [c['option'] for c in nw.network_differences(wider.values, inspect())] == ['ipam.config']
    two = inspect(IPAM={'Driver': 'default', 'Config': [{'Subnet': '10.77.0.0/24'}, {'Subnet': 'fd00:77::/64'}]})
    one = request(ipam={'config': [{'subnet': '10.77.0.0/24'}]})
    assert [c['option'] for c in nw.network_differences(one.values, two)] == ['ipam.config']
    both = request(enable_ipv6=True, ipam={'config': [{'subnet': 'fd00:77:0::/64'}, {'subnet': '10.77.0.0/24'}]})
    assert nw.network_differences(dict(both.values, enable_ipv6=False), two) == []  # order and spelling


# -- planning ----------------------------------------------------------------------------------

def test_create_unchanged_and_recreate():
    assert plan(request(), None).create
    same = plan(request(labels={'team': 'web'}), inspect())
    assert not same.changed and same.changes == []
    changed = plan(request(internal=True), inspect(), users=[], others=[])
    assert changed.recreate and not changed.create and changed.changes[0]['option'] == 'internal'


def test_removal_of_a_network_in_use_needs_force_and_names_the_containers():
    users = [user('web'), user('db', aliases=(), ipv4=None)]
    with pytest.raises(InUse) as info:
        plan(request(state='absent'), inspect(), users=users)
    assert str(info.value).startswith('network net1 is used by containers db, web: ')
    assert 'force: true' in str(info.value) and info.value.kind == 'in_use'
    forced = plan(request(state='absent', force=True), inspect(), users=users)
    assert forced.remove and [u.name for u in forced.users] == ['web', 'db']
    assert plan(request(state='absent'), inspect(), users=[]).remove
    assert not plan(request(state='absent'), None).changed


def test_predefined_networks_are_never_removed_or_recreated():
    with pytest.raises(InvalidOption, match='name: bridge is a network every engine has'):
        plan(request(name='bridge', state='absent', force=True), inspect(Name='bridge'), users=[])
    with pytest.raises(InvalidOption, match='cannot be recreated to change internal'):
        plan(request(name='bridge', internal=True), inspect(Name='bridge'), users=[], others=[])
    assert not plan(request(name='bridge'), inspect(Name='bridge')).changed


def test_overlay_needs_a_swarm_manager():
    with pytest.raises(InvalidOption, match='driver: overlay networks need a swarm'):
        plan(request(driver='overlay'), None, swarm_manager=False)
    assert plan(request(driver='overlay'), None, swarm_manager=True).create


def test_a_subnet_of_another_network_is_refused_before_anything_is_made():
    others = [inspect(Name='other', Id='e' * 64, IPAM={'Config': [{'Subnet': '10.77.0.0/16'}]}), inspect()]
    with pytest.raises(InvalidOption) as info:
        plan(request(name='new', ipam={'config': [{'subnet': '10.77.3.0/24'}]}), None, others=others)
    assert str(info.value) == 'ipam: subnet 10.77.3.0/24 overlaps subnet 10.77.0.0/16 of network other; pick a free one.'
    # The network's own subnet is no overlap when it is recreated.
    mine = plan(request(ipam={'config': [{'subnet': '10.77.0.0/23'}]}), inspect(), users=[], others=[inspect()])
    assert mine.recreate


def test_a_recreate_that_would_strand_a_static_address_is_refused():
    narrower = request(ipam={'config': [{'subnet': '10.77.0.0/28'}]})
    with pytest.raises(InvalidOption) as info:
        plan(narrower, inspect(), users=[user(ipv4='10.77.0.100')], others=[])
    assert str(info.value).startswith('ipam: container web has the static address 10.77.0.100 on network net1, '
                                      'which is in none of the new subnets (10.77.0.0/28)')
    wider = plan(request(ipam={'config': [{'subnet': '10.77.0.0/16'}]}), inspect(), users=[user()], others=[])
    assert wider.recreate and wider.users[0].ipv4_address == '10.77.0.10'
    # Without a declared config the old subnets are kept, and every address with them.
    assert plan(request(internal=True), inspect(), users=[user(ipv4='10.77.0.100')], others=[]).recreate


def test_reconnect_settings_keep_aliases_and_static_addresses_not_the_engines_short_id():
    web = user()
    assert web.aliases == ['app']
    assert web.endpoint_config() == {'Aliases': ['app'], 'IPAMConfig': {'IPv4Address': '10.77.0.10'}}
    assert web.describe() == 'web (aliases app; 10.77.0.10)'
    bare = nw.NetworkUser(CID, 'bare', {'Aliases': [CID[:12]], 'IPAMConfig': {}})
    assert bare.endpoint_config() == {} and bare.describe() == 'bare'


def test_create_body_declared_over_what_the_old_network_had():
    old = inspect(Internal=True, Labels={'team': 'web', 'keep': 'me'})
    body = nw.create_body(request(labels={'team': 'db'}, ipam={'config': [
        {'subnet': '10.77.0.0/16', 'gateway': '10.77.0.1', 'aux_addresses': {'r': '10.77.1.1'}}]}), old)
    assert body['Internal'] is True and body['Driver'] == 'bridge'
    assert body['Labels'] == {'team': 'db', 'keep': 'me'}
    assert body['Options'] == {'com.docker.network.bridge.enable_icc': 'true'}
    assert body['IPAM'] == {'Driver': 'default', 'Config': [
        {'Subnet': '10.77.0.0/16', 'Gateway': '10.77.0.1', 'AuxiliaryAddresses': {'r': '10.77.1.1'}}]}
    kept = nw.create_body(request(internal=False), old)
    assert kept['IPAM']['Config'] == old['IPAM']['Config'] and kept['Internal'] is False
    fresh = nw.create_body(request())
    assert fresh['Driver'] == 'bridge' and fresh['IPAM'] == {'Driver': 'default'} and fresh['Labels'] == {}


def test_diff_shows_the_declared_options_and_the_state():
    req = request(internal=True, labels={'team': 'web'})
    recreate = plan(req, inspect(), users=[], others=[])
    assert nw.network_diff(recreate, 'present') == {
        'before': {'internal': False, 'labels': {'team': 'web'}, 'state': 'present'},
        'after': {'internal': True, 'labels': {'team': 'web'}, 'state': 'present'}}
    assert nw.network_diff(plan(req, None), 'present')['before'] == {'state': 'absent'}
    gone = plan(request(state='absent'), inspect(), users=[])
    assert nw.network_diff(gone, 'absent')['after'] == {'state': 'absent'}
