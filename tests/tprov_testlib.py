"""Shared test plumbing: the collection on an ansible_collections path, and the module runner.

Unit tests import module_utils through the same path, so ``ansible_collections.tprov.docker``
resolves to this checkout whether or not the collection is installed.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# One per checkout: two clones tested at once must not run each other's code.
COLLECTIONS_DIR = os.path.join(tempfile.gettempdir(), 'tprov-docker-tests-%d-%s' % (
    os.getuid(), hashlib.sha1(REPO_ROOT.encode('utf-8')).hexdigest()[:10]), 'collections')


def _link_collection():
    parent = os.path.join(COLLECTIONS_DIR, 'ansible_collections', 'tprov')
    os.makedirs(parent, exist_ok=True)
    link = os.path.join(parent, 'docker')
    if os.path.islink(link) and os.readlink(link) == REPO_ROOT:
        return
    tmp = link + '.%d' % os.getpid()
    os.symlink(REPO_ROOT, tmp)
    os.replace(tmp, link)


_link_collection()
if COLLECTIONS_DIR not in sys.path:
    sys.path.insert(0, COLLECTIONS_DIR)


class ModuleResult(dict):
    """A module's JSON result, with the raw output kept for assertions."""

    raw = ''

    @property
    def failed(self):
        return bool(self.get('failed'))


def run_module(name, args=None, check=False, diff=False, env=None, timeout=300):
    """Run plugins/modules/NAME the way Ansible does (args file, _ansible_* flags); return its result.

    Every run asserts the project's rule: the output is one JSON object, and no traceback appears
    anywhere in it, failed or not.
    """
    module_args = dict(args or {})
    module_args['_ansible_check_mode'] = check
    module_args['_ansible_diff'] = diff
    fd, path = tempfile.mkstemp(suffix='.json')
    with os.fdopen(fd, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': module_args}, handle)
    run_env = dict(os.environ)
    run_env['PYTHONPATH'] = COLLECTIONS_DIR
    if env:
        run_env.update(env)
    try:
        proc = subprocess.run(
            [sys.executable, '-m', 'ansible_collections.tprov.docker.plugins.modules.%s' % name, path],
            capture_output=True, text=True, env=run_env, timeout=timeout, cwd=tempfile.gettempdir(), check=False)
    finally:
        os.unlink(path)
    output = proc.stdout + proc.stderr
    assert 'Traceback' not in output, 'module %s printed a traceback:\n%s' % (name, output)
    try:
        result = ModuleResult(json.loads(proc.stdout))
    except ValueError:
        raise AssertionError('module %s did not print one JSON object:\n%s' % (name, output))
    result.raw = output
    if result.failed:
        assert result.get('msg'), 'failed without msg: %s' % output
        assert 'exception' not in result, 'failed with an exception: %s' % output
    return result


def docker(*args, check=True, env=None, input=None):
    """The docker CLI against the main engine, for test setup and cross-checks only."""
    return subprocess.run(['docker'] + list(args), capture_output=True, text=True, check=check,
                          env=env, input=input)
