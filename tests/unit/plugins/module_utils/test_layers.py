"""The layering of plugins/module_utils, read from the source with ast (README: How the code is laid out).

(a) only safe_module.py, the glue, imports ansible.module_utils.basic; (b) no module_utils file
imports a module (plugins.modules); (c) errors.py imports nothing of the collection; (d) the
connection, diagnosis and query code and the pure parsers import no HTTP library and no client;
(e) every file sits in one layer of LAYERS and imports collection code only from lower layers (the bottom
files and the services may also use one another; nothing imports the glue).
"""

import ast
import glob
import os

import pytest

from tprov_testlib import REPO_ROOT

MODULE_UTILS = os.path.join(REPO_ROOT, 'plugins', 'module_utils')
COLLECTION = 'ansible_collections.tprov.docker.'
FILES = sorted(glob.glob(os.path.join(MODULE_UTILS, '*.py')))
# The layers, bottom up (README: How the code is laid out). A new file must be placed here.
LAYERS = (
    ('errors.py', 'redaction.py', 'file_transaction.py', 'docker_context.py',
     'pki_layout.py'),  # errors, secrets kept out of diffs, file transactions, the Docker CLI's context store, the PKI's files
    ('connection.py', 'diagnosis.py', 'api_query.py', 'container_spec.py', 'daemon_config.py',
     'tls_cert.py', 'tls_probe.py', 'host_identity.py'),  # pure parsing, planning and connection resolution
    ('engine_client.py',),  # the HTTP client
    ('images.py', 'containers.py', 'container_backends.py', 'container_exec.py', 'engine_info.py', 'pki.py',
     'tls_files.py', 'daemon_setup.py', 'networks.py', 'volumes.py', 'context_files.py', 'tls_info.py'),  # services
    ('safe_module.py',),  # the Ansible glue
    ('engine_module.py',),  # the Engine API modules' glue: connection options and main(), on SafeModule
)
SERVICES = 3
SHARED = (0, SERVICES)  # layers whose files may also use one another
PURE = ('errors.py', 'connection.py', 'diagnosis.py', 'api_query.py', 'container_spec.py', 'daemon_config.py',
        'redaction.py', 'tls_probe.py', 'host_identity.py')


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


def _layer_of(name):
    return [i for i, layer in enumerate(LAYERS) if name in layer]


def test_every_file_has_one_layer():
    names = sorted(os.path.basename(f) for f in FILES if not f.endswith('__init__.py'))
    assert [n for n in names if len(_layer_of(n)) != 1] == []
    assert sorted(n for layer in LAYERS for n in layer) == names  # no stale entry either


@pytest.mark.parametrize('path', FILES, ids=os.path.basename)
def test_collection_imports_go_down_the_layers(path):
    own = _layer_of(os.path.basename(path))[0]
    prefix = COLLECTION + 'plugins.module_utils.'
    wrong = []
    for name in imports(path):
        if not name.startswith(prefix):
            continue
        target = name[len(prefix):].split('.')[0] + '.py'
        if not os.path.exists(os.path.join(MODULE_UTILS, target)):
            continue  # "from ...module_utils import x" lists x as a name too; x.py is checked when it is a file
        layer = _layer_of(target)[0]
        if not (layer < own or (layer == own and own in SHARED and target != os.path.basename(path))):
            wrong.append(target)
    assert wrong == [], '%s (layer %d) imports %s from its own or a higher layer' % (path, own, wrong)
