"""The in-process path's adapter over private ansible-core names: loading never fails, and where a
release was not tested or a name is missing, the module runs as a process (and says why)."""

import importlib

import ansible.vars.clean
from ansible.release import __version__ as core_version

from ansible_collections.tprov.docker.plugins.plugin_utils import in_process


def test_loading_the_action_plugins_survives_a_missing_private_name(monkeypatch):
    """ansible-core 2.21 dropped ansible.vars.clean.remove_internal_keys: loading must still work."""
    monkeypatch.delattr(ansible.vars.clean, 'remove_internal_keys', raising=False)  # gone since 2.21
    try:
        reloaded = importlib.reload(in_process)
        adapter, reason = reloaded.CoreAdapter.resolve(reloaded.TESTED_CORE[-1] + '.0', reloaded.PRIVATE_NAMES)
        assert adapter is None
        assert 'lacks ansible.vars.clean.remove_internal_keys' in reason
        importlib.import_module('ansible_collections.tprov.docker.plugins.action.docker_api_info')
    finally:
        monkeypatch.undo()
        importlib.reload(in_process)


def test_an_untested_release_runs_modules_as_processes():
    for version in ('2.15.13', '2.18.19', '2.21.5', '3.0.0'):
        adapter, reason = in_process.CoreAdapter.resolve(version, in_process.PRIVATE_NAMES)
        assert adapter is None
        assert reason == ('ansible-core %s is not a release the in-process path was tested on (2.19, 2.20)'
                          % version)


def test_a_missing_method_or_module_is_a_reason_not_an_error():
    tested = in_process.TESTED_CORE[0] + '.0'
    for names, missing in (([('ansible.plugins.action', 'ActionBase._no_such_method')],
                            'ansible.plugins.action.ActionBase._no_such_method'),
                           ([('ansible._no_such_module', 'x')], 'ansible._no_such_module.x')):
        adapter, reason = in_process.CoreAdapter.resolve(tested, names)
        assert adapter is None and ('lacks %s (' % missing) in reason


def test_this_ansible_core_gets_the_adapter_exactly_when_tested():
    adapter, reason = in_process.CoreAdapter.load()
    minor = '.'.join(core_version.split('.')[:2])
    if minor in in_process.TESTED_CORE:
        assert reason is None
        assert set(adapter.names) == set(a.split('.')[-1] for _m, a in in_process.PRIVATE_NAMES)
    else:
        assert adapter is None and core_version in reason
