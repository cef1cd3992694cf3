"""Every module file is its documentation and a main() that calls a backend."""

import ast
import glob
import os

import pytest

from tprov_testlib import REPO_ROOT

THIN = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
              if not p.endswith('__init__.py'))


def test_every_module_is_checked():
    assert len(THIN) >= 10


@pytest.mark.parametrize('name', THIN)
def test_module_file_is_documentation_and_main(name):
    tree = ast.parse(open(os.path.join(REPO_ROOT, 'plugins', 'modules', name + '.py')).read())
    defined = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    assert defined == ['main'], '%s defines %s; logic belongs in plugins/module_utils' % (name, defined)
    main = [node for node in tree.body if isinstance(node, ast.FunctionDef)][0]
    assert main.end_lineno - main.lineno < 40
