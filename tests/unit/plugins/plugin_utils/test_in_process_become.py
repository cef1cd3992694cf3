"""A become Ansible itself skips - to the user the local connection already is - does not rule out the
in-process path; every become Ansible carries out does (in_process.become_is_skipped)."""

import os
import sys

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import become_loader, connection_loader
from ansible.template import Templar

from ansible_collections.tprov.docker.plugins.plugin_utils import in_process
from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import InProcessModuleAction, become_is_skipped

ADAPTER, NOT_APPLIED = in_process.CoreAdapter.load()


def test_only_a_become_to_the_connection_user_is_skipped():
    assert become_is_skipped('root', 'root', allow_same_user=False)
    assert not become_is_skipped('root', 'alice', allow_same_user=False)
    assert not become_is_skipped('alice', 'root', allow_same_user=False)
    # become_allow_same_user: Ansible runs sudo even to the same user, so the module's process differs.
    assert not become_is_skipped('root', 'root', allow_same_user=True)
    # Neither user known: Ansible becomes.
    assert not become_is_skipped('', None, allow_same_user=False)


def _why_not(monkeypatch, controller_user, become_user=None, method='sudo', become=True):
    """why_not_in_process for a task on the local connection, run by controller_user (as getpass sees it),
    with the real become plugin; become_user None leaves the plugin's default."""
    for name in ('LOGNAME', 'USER'):
        monkeypatch.setenv(name, controller_user)
    play_context = PlayContext()
    play_context.become = become
    connection = connection_loader.get('local', play_context, os.devnull)
    if become:
        plugin = become_loader.get(method)
        plugin.set_options(direct={'become_user': become_user} if become_user is not None else {})
        connection.set_become_plugin(plugin)
    loader = DataLoader()
    action = InProcessModuleAction(Task(), connection, play_context, loader, Templar(loader=loader), None)
    action.MODULE = 'docker_api_info'
    return action.why_not_in_process({'ansible_python_interpreter': sys.executable})


@pytest.mark.skipif(ADAPTER is None, reason='the in-process path does not apply here: %s' % NOT_APPLIED)
def test_root_becoming_root_runs_in_process(monkeypatch):
    assert _why_not(monkeypatch, 'root', become=False) is None
    assert _why_not(monkeypatch, 'root', 'root') is None
    # An unset become_user is sudo's default, root; su's too.
    assert _why_not(monkeypatch, 'root') is None
    assert _why_not(monkeypatch, 'root', method='su') is None


@pytest.mark.skipif(ADAPTER is None, reason='the in-process path does not apply here: %s' % NOT_APPLIED)
def test_a_become_to_another_user_runs_as_a_process(monkeypatch):
    assert _why_not(monkeypatch, 'root', 'nobody') == 'become is set (root to nobody)'
    # A controller user with uid 1000 becoming root (the default become_user).
    assert _why_not(monkeypatch, 'alice') == 'become is set (alice to root)'


@pytest.mark.skipif(ADAPTER is None, reason='the in-process path does not apply here: %s' % NOT_APPLIED)
def test_become_allow_same_user_runs_as_a_process(monkeypatch):
    monkeypatch.setattr(in_process.C, 'BECOME_ALLOW_SAME_USER', True)
    assert _why_not(monkeypatch, 'root', 'root') == 'become is set (root to root)'
