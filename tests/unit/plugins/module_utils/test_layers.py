"""The layering of plugins/module_utils, read from the source with ast (README: How the code is laid out).

(a) only safe_module.py, the glue, imports ansible.module_utils.basic; (b) no module_utils file
imports a module (plugins.modules); (c) errors.py imports nothing of the collection; (d) the
connection, diagnosis and query code and the pure parsers import no HTTP library and no client.
"""

import ast
import glob
import os

import pytest

from tprov_testlib import REPO_ROOT

MODULE_UTILS = os.path.join(REPO_ROOT, 'plugins', 'module_utils')
COLLECTION = 'ansible_collections.tprov.docker.'
FILES = sorted(glob.glob(os.path.join(MODULE_UTILS, '*.py')))
PURE = ('errors.py', 'connection.py', 'diagnosis.py', 'api_query.py', 'container_spec.py', 'daemon_config.py',
        'redaction.py')


def imports(path):
    """Every module name the file imports (``from x import y`` gives x and x.y)."""
    names = set()
    for node in ast.walk(ast.parse(open(path).read(), path)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update('%s.%s' % (node.module, alias.name) for alias in node.names)
    return names


def test_the_layer_files_exist():
    names = [os.path.basename(f) for f in FILES]
    for name in ('errors.py', 'connection.py', 'diagnosis.py', 'api_query.py', 'engine_client.py', 'safe_module.py'):
        assert name in names


@pytest.mark.parametrize('path', FILES, ids=os.path.basename)
def test_only_the_glue_imports_ansible_module_utils_basic(path):
    basic = [n for n in imports(path) if n == 'ansible.module_utils.basic' or n.startswith('ansible.module_utils.basic.')]
    if os.path.basename(path) == 'safe_module.py':
        assert basic
    else:
        assert not basic, '%s imports %s: only safe_module.py may (build modules with run_engine_module)' % (path, basic)


@pytest.mark.parametrize('path', FILES, ids=os.path.basename)
def test_module_utils_never_import_a_module(path):
    bad = [n for n in imports(path) if n.startswith(COLLECTION + 'plugins.modules') or n.startswith('plugins.modules')]
    assert not bad, '%s imports %s' % (path, bad)


def test_errors_imports_nothing_of_the_collection():
    assert not [n for n in imports(os.path.join(MODULE_UTILS, 'errors.py')) if n.startswith(COLLECTION)]


@pytest.mark.parametrize('name', PURE)
def test_pure_code_imports_no_http_library_and_no_client(name):
    path = os.path.join(MODULE_UTILS, name)
    bad = [n for n in imports(path) if n.split('.')[0] in ('requests', 'requests_unixsocket', 'urllib3')
           or n.startswith(COLLECTION + 'plugins.module_utils.engine_client')
           or n.startswith(COLLECTION + 'plugins.module_utils.safe_module')]
    assert not bad, '%s imports %s' % (path, bad)
