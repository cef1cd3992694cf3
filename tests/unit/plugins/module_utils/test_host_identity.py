"""What a host is, as its recorded facts assume it, and what counts as a change."""

import os
import socket
import sys

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
