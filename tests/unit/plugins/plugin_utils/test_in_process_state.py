"""The in-process path's bookkeeping: which Python counts as "this Python", and what a run must put back."""

import os
import sys

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings

from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import CoreAdapter, ProcessState, same_python


def test_same_python_means_same_directory_and_same_file(tmp_path):
    here = os.path.dirname(sys.executable)
    assert same_python(sys.executable, sys.executable)
    # Another name for this Python in the same bin directory (python / python3 in a venv).
    twin = [os.path.join(here, n) for n in os.listdir(here)
            if n.startswith('python') and os.path.join(here, n) != sys.executable
            and os.path.samefile(os.path.join(here, n), sys.executable)]
    for path in twin:
        assert same_python(path, sys.executable)
    # The same binary linked from another directory is another venv: not the same Python.
    link = tmp_path / 'python3'
    link.symlink_to(os.path.realpath(sys.executable))
    assert not same_python(str(link), sys.executable)
    assert not same_python('python3', sys.executable)  # relative: resolved by PATH on the target, not here
    assert not same_python('/nonexistent/bin/python3', sys.executable)
    assert not same_python(None, sys.executable)


@pytest.mark.skipif(CoreAdapter.load()[0] is None, reason='the in-process path does not run on this ansible-core')
def test_process_state_puts_back_what_a_module_run_changes(tmp_path):
    before_cwd = os.getcwd()
    module_warnings.warn('from before the run')
    warnings_before = dict(module_warnings._global_warnings)
    saved = ProcessState.save(basic)
    try:
        # Inside the run: a clean warnings list, and the module may change all of this.
        assert module_warnings._global_warnings == {}
        basic._ANSIBLE_ARGS = b'{"ANSIBLE_MODULE_ARGS": {}}'
        basic._ANSIBLE_PROFILE = 'legacy'
        module_warnings.warn('from inside the run')
        os.environ['TPROV_IN_PROCESS_TEST'] = '1'
        os.chdir(str(tmp_path))
    finally:
        saved.restore(basic)
    assert basic._ANSIBLE_ARGS is None and basic._ANSIBLE_PROFILE is None
    assert 'TPROV_IN_PROCESS_TEST' not in os.environ
    assert os.getcwd() == before_cwd
    assert module_warnings._global_warnings == warnings_before
    module_warnings._global_warnings.clear()
