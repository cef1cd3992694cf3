"""The in-process path's adapter over private ansible-core names: loading never fails, and where a
release was not tested or a name is missing, the module runs as a process (and says why)."""

import importlib
import sys

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


MODULES = 'ansible_collections.tprov.docker.plugins.modules.'


def test_an_action_plugin_loaded_imports_its_module_where_it_may_run_in_process(monkeypatch):
    """The strategy loads an action plugin's class before it forks each task's worker: the module and
    its libraries are imported then, once, and the workers inherit them instead of importing them again."""
    monkeypatch.delitem(sys.modules, MODULES + 'docker_tls_info', raising=False)
    monkeypatch.delitem(sys.modules, 'ansible_collections.tprov.docker.plugins.action.docker_tls_info', raising=False)
    action = importlib.import_module('ansible_collections.tprov.docker.plugins.action.docker_tls_info')
    assert action.ActionModule.MODULE == 'docker_tls_info'
    minor = '.'.join(core_version.split('.')[:2])
    assert (MODULES + 'docker_tls_info' in sys.modules) == (minor in in_process.TESTED_CORE)


def test_preloading_only_on_tested_releases_and_never_failing(monkeypatch):
    tested = in_process.TESTED_CORE[-1] + '.1'
    monkeypatch.delitem(sys.modules, MODULES + 'docker_api_info', raising=False)
    assert in_process.preload_module('docker_api_info', version='2.18.19') is False
    assert MODULES + 'docker_api_info' not in sys.modules
    assert in_process.preload_module('docker_api_info', version=tested) is True
    assert MODULES + 'docker_api_info' in sys.modules
    # A module that cannot be imported here (or no module at all) is the task's business, not the loader's.
    assert in_process.preload_module('no_such_module', version=tested) is False
    assert in_process.preload_module(None, version=tested) is False


def test_the_collections_filters_are_loaded_with_a_preloaded_module_and_a_failure_is_no_error(monkeypatch):
    """Loaded in the strategy's process, the workers inherit them instead of loading the file for each task."""
    from ansible.plugins import loader
    asked = []
    monkeypatch.setattr(loader.filter_loader, 'get', lambda name, *a, **k: asked.append(name))
    monkeypatch.setattr(loader.test_loader, 'get', lambda name, *a, **k: asked.append(name))
    assert in_process.preload_module('docker_api_info', version=in_process.TESTED_CORE[-1] + '.1') is True
    assert asked == list(in_process.PRELOADED_FILTERS + in_process.PRELOADED_TESTS)
    assert in_process.preload_module('docker_api_info', version='2.18.19') is False
    assert in_process.preload_filters(version='2.21.0') is False
    assert len(asked) == 3

    def broken(name, *args, **kwargs):
        raise RuntimeError('loader broken')
    monkeypatch.setattr(loader.filter_loader, 'get', broken)
    assert in_process.preload_filters(version=in_process.TESTED_CORE[-1] + '.1') is False
