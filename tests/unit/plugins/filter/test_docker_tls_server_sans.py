"""The server certificate's subject alternative names, computed from inventory and facts."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_server_sans


def test_names_given_addresses_loopback_and_extras_in_order_without_duplicates():
    assert docker_server_sans('docker1', '192.0.2.10', 'docker1.example.com',
                              ['192.0.2.10', '10.0.0.5', 'fe80::1', 'fd00::5'],
                              ['DNS:docker.example.com', 'ip:203.0.113.7', 'docker1']) == [
        'DNS:docker1', 'IP:192.0.2.10', 'DNS:docker1.example.com', 'IP:10.0.0.5', 'IP:fd00::5',
        'IP:127.0.0.1', 'DNS:localhost', 'DNS:docker.example.com', 'IP:203.0.113.7']


def test_inventory_name_that_is_an_address():
    assert docker_server_sans('172.17.0.3', None, 'localhost', [])[:1] == ['IP:172.17.0.3']


def test_extras_must_be_a_list():
    with pytest.raises(AnsibleFilterError) as info:
        docker_server_sans('h', extra='DNS:x')
    assert 'docker_tls_extra_sans' in str(info.value)


def test_the_released_copy_backup_filter_is_kept_deprecated():
    # Released in 0.1.0: kept until 1.0.0, deprecated (docker_daemon_config's restore takes copy
    # results as they are); tests/unit/plugins/filter/test_docker_tls.py checks the deprecation.
    from ansible_collections.tprov.docker.plugins.filter.docker_tls import FilterModule
    copy_backup = FilterModule().filters()['docker_copy_backup']
    assert copy_backup({'dest': '/etc/x', 'backup_file': '/etc/x.1.bak', 'changed': True}) == {
        'path': '/etc/x', 'backup': '/etc/x.1.bak'}
    assert copy_backup({'dest': '/etc/new', 'changed': True}) == {'path': '/etc/new', 'backup': None}
    with pytest.raises(AnsibleFilterError) as info:
        copy_backup({'changed': False})
    assert 'docker_copy_backup expects a copy result with dest' in str(info.value)


def test_pki_servers_from_hostvars():
    from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_pki_servers
    hostvars = {
        'docker1': {'ansible_host': '192.0.2.10', 'ansible_facts': {
            'fqdn': 'docker1.example.com', 'all_ipv4_addresses': ['192.0.2.10', '172.17.0.1']}},
        'docker2': {'docker_tls_extra_sans': ['DNS:lb.example.com']},
    }
    assert docker_pki_servers(['docker1', 'docker2'], hostvars) == [
        {'name': 'docker1', 'subject_alt_names': ['DNS:docker1', 'IP:192.0.2.10', 'DNS:docker1.example.com',
                                                  'IP:127.0.0.1', 'DNS:localhost']},
        {'name': 'docker2', 'subject_alt_names': ['DNS:docker2', 'IP:127.0.0.1', 'DNS:localhost',
                                                  'DNS:lb.example.com']}]


def _facts(ipv4, ipv6):
    return {'fqdn': 'docker1.example.com', 'all_ipv4_addresses': ipv4, 'all_ipv6_addresses': ipv6,
            'interfaces': ['lo', 'eth0', 'docker0'] + ['br-%d' % i for i in range(len(ipv4))]}


def test_pki_servers_do_not_change_when_networks_come_and_go():
    """docker network create, a compose project, a veth or an IPv6 privacy address changes the
    host's addresses; the names clients dial - and so the certificate - stay the same."""
    from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_pki_servers
    before = {'docker1': {'ansible_host': '192.0.2.10', 'docker_tls_extra_sans': ['DNS:docker.example.test'],
                          'ansible_facts': _facts(['192.0.2.10', '172.17.0.1'], ['2001:db8::10', 'fe80::1'])}}
    after = {'docker1': dict(before['docker1'], ansible_facts=_facts(
        ['192.0.2.10', '172.17.0.1', '172.18.0.1', '172.19.0.1'],
        ['2001:db8::10', '2001:db8::8a3f:21ff:fe00:1', '2001:db8::d1c2:9e0b:37aa:41f0', 'fe80::1']))}
    sans = docker_pki_servers(['docker1'], before)[0]['subject_alt_names']
    assert docker_pki_servers(['docker1'], after)[0]['subject_alt_names'] == sans
    assert sans == ['DNS:docker1', 'IP:192.0.2.10', 'DNS:docker1.example.com', 'IP:127.0.0.1', 'DNS:localhost',
                    'DNS:docker.example.test']
    assert not [s for s in sans if s.startswith('IP:172.') or s.startswith('IP:2001:db8::')]


def test_backups_found_on_the_host_as_restore_entries():
    from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_backup_restore_entries
    found = ['/etc/docker/tls/server-key.pem.20261128T101500.tprov-backup',
             '/etc/docker/tls/server-cert.pem.20261129T090000.tprov-backup',
             '/etc/docker/tls/server-cert.pem.20261128T101500.tprov-backup',
             '/etc/docker/tls/notes.txt']
    assert docker_backup_restore_entries(found) == [
        {'path': '/etc/docker/tls/server-cert.pem', 'backup': '/etc/docker/tls/server-cert.pem.20261128T101500.tprov-backup'},
        {'path': '/etc/docker/tls/server-key.pem', 'backup': '/etc/docker/tls/server-key.pem.20261128T101500.tprov-backup'}]
    assert docker_backup_restore_entries([]) == []


@pytest.mark.parametrize('fqdn', ['*.example.com', 'IP:10.0.0.1', 'DNS:other.example', '10.0.0.1', 'fe80::1',
                                  'a b', '-bad.example', 'x' * 64 + '.example', 'name/with/slash', ''])
def test_an_fqdn_that_is_not_a_plain_host_name_is_left_out(fqdn):
    """root on the host sets its name: a wildcard, a typed entry or another host's address is never signed."""
    sans = docker_server_sans('docker1', '192.0.2.10', fqdn)
    assert sans == ['DNS:docker1', 'IP:192.0.2.10', 'IP:127.0.0.1', 'DNS:localhost'], sans


@pytest.mark.parametrize('fqdn', ['docker1.example.com', 'docker1.example.com.', 'build_box.corp', 'h-1'])
def test_a_plain_host_name_is_kept(fqdn):
    assert docker_server_sans('docker1', None, fqdn)[1] == 'DNS:%s' % fqdn


def test_pki_servers_refuse_a_host_whose_facts_were_not_read_when_asked():
    """The pki role asks (require_facts): --skip-tags always skipped the playbook's facts read, and the
    certificate was re-issued without the host's FQDN."""
    from ansible.errors import AnsibleFilterError
    from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_pki_servers
    hostvars = {'docker1': {'ansible_facts': {'fqdn': 'docker1.example.com'}}, 'docker2': {'ansible_host': '192.0.2.11'}}
    assert len(docker_pki_servers(['docker1', 'docker2'], hostvars)) == 2
    with pytest.raises(AnsibleFilterError, match=r'the facts of docker2 were not read .*do not skip the tag always'):
        docker_pki_servers(['docker1', 'docker2'], hostvars, require_facts=True)
