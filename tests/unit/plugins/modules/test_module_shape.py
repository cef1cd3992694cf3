"""The certificate, files and daemon modules are their documentation and a main() that calls a backend."""

import ast
import os

import pytest

from tprov_testlib import REPO_ROOT

THIN = ['docker_daemon_config', 'docker_tls_cert', 'docker_tls_files', 'docker_tls_pki']


@pytest.mark.parametrize('name', THIN)
def test_module_file_is_documentation_and_main(name):
    tree = ast.parse(open(os.path.join(REPO_ROOT, 'plugins', 'modules', name + '.py')).read())
    defined = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    assert defined == ['main'], '%s defines %s; logic belongs in plugins/module_utils' % (name, defined)
    main = [node for node in tree.body if isinstance(node, ast.FunctionDef)][0]
    assert main.end_lineno - main.lineno < 40
