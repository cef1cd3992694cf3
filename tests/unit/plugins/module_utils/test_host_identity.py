"""What a host is, as its recorded facts assume it, and what counts as a change."""

import os
import socket
import sys

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import host_identity


def test_os_release_is_read_as_os_release_5_writes_it():
    text = '# comment\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' \
           "ID_LIKE='rhel centos'\nNAME=\"a \\\"quoted\\\" name\"\n\nbroken line\n"
    values = host_identity.parse_os_release(text)
    assert values['ID'] == 'debian' and values['VERSION_ID'] == '12'
    assert values['ID_LIKE'] == 'rhel centos' and values['NAME'] == 'a "quoted" name'
    assert 'broken line' not in values


def test_the_identity_is_the_platform_facts_fqdn_this_python_and_os_release():
    identity = host_identity.current_identity({'ID': 'rocky', 'VERSION_ID': '9.4'})
    assert identity == {'fqdn': socket.getfqdn(), 'python': os.path.realpath(sys.executable),
                        'os_release_id': 'rocky', 'os_release_version_id': '9.4'}
    assert set(identity) == set(host_identity.IDENTITY_KEYS)


def test_only_recorded_keys_are_compared_and_each_change_is_named():
    now = {'fqdn': 'b.example', 'python': '/usr/bin/python3', 'os_release_id': 'debian',
           'os_release_version_id': '13'}
    assert host_identity.differences({}, now) == []
    assert host_identity.differences(None, now) == []
    assert host_identity.differences({'fqdn': 'b.example'}, now) == []
    assert host_identity.differences(dict(now, fqdn='a.example', os_release_version_id='12'), now) == [
        'fqdn: a.example -> b.example', 'os_release_version_id: 12 -> 13']


def test_the_facts_are_named_and_shaped_as_setup_gives_them():
    result = host_identity.host_facts({'ID': 'rocky', 'VERSION_ID': '9.4'})
    facts = result['ansible_facts']
    assert facts['ansible_os_family'] == 'RedHat' and facts['ansible_fqdn'] == socket.getfqdn()
    assert facts['ansible_python']['executable'] == sys.executable
    assert facts['ansible_python']['version']['major'] == sys.version_info[0]
    assert result['host_identity']['os_release_id'] == 'rocky' and result['changed'] is False


@pytest.mark.parametrize('os_id,family', [('debian', 'Debian'), ('ubuntu', 'Debian'), ('raspbian', 'Debian'),
                                          ('rhel', 'RedHat'), ('rocky', 'RedHat'), ('almalinux', 'RedHat'),
                                          ('fedora', 'RedHat'), ('amzn', 'RedHat'), ('ol', 'RedHat')])
def test_a_well_known_os_release_id_gives_ansibles_family(os_id, family):
    assert host_identity.host_facts({'ID': os_id})['ansible_facts']['ansible_os_family'] == family


@pytest.mark.parametrize('release', [{'ID': 'opensuse-leap', 'ID_LIKE': 'suse opensuse'},
                                     {'ID': 'openmandriva', 'ID_LIKE': 'mandriva fedora'},
                                     {'ID': 'arch'}, {}])
def test_any_other_distribution_is_left_to_setup_never_guessed_from_id_like(release):
    """OpenMandriva's ID_LIKE names fedora, yet Ansible's family for it is Mandrake."""
    assert 'ansible_os_family' not in host_identity.host_facts(release)['ansible_facts']


def test_the_families_are_ansibles_own():
    from ansible.module_utils.facts.system.distribution import Distribution
    families = set(Distribution.OS_FAMILY_MAP)
    assert set(host_identity.OS_FAMILY_BY_ID.values()) <= families
