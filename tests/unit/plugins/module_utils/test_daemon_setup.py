"""daemon_setup's pure decisions: when the daemon restarts, reloads first, or needs nothing."""

from types import SimpleNamespace

import pytest

from ansible_collections.tprov.docker.plugins.module_utils import daemon_setup

UNIT = SimpleNamespace(original_path='/lib/systemd/system/docker.service.tprov-orig')
JSON = '/etc/docker/daemon.json'


@pytest.mark.parametrize('running,reload_first', [(2, True), (0, False)])
def test_live_restore_is_switched_on_by_a_reload_first_only_when_containers_run(running, reload_first):
    info = {'LiveRestoreEnabled': False, 'ContainersRunning': running}
    action, keys = daemon_setup.restart_decision(
        ['/etc/systemd/system/docker.service.d/tprov-docker.conf'], UNIT, JSON, None, None,
        '{"live-restore": true}\n', {'live-restore': True}, info)
    assert action == 'restart'
    assert keys['reload_before_restart'] is reload_first


def test_a_daemon_that_does_not_answer_is_not_reloaded_first():
    action, keys = daemon_setup.restart_decision(
        ['/etc/systemd/system/docker.service.d/tprov-docker.conf'], UNIT, JSON, None, None,
        '{"live-restore": true}\n', {'live-restore': True}, None)
    assert action == 'restart' and keys['reload_before_restart'] is False and keys['daemon_answered'] is False
