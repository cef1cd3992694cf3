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


def _documentation_only(tree):
    """Only assignments (DOCUMENTATION, EXAMPLES, RETURN, __metaclass__) and the __future__ import."""
    return all(isinstance(node, ast.Assign) or (isinstance(node, ast.ImportFrom) and node.module == '__future__')
               for node in tree.body)


@pytest.mark.parametrize('name', THIN)
def test_module_file_is_documentation_and_main(name):
    tree = ast.parse(open(os.path.join(REPO_ROOT, 'plugins', 'modules', name + '.py')).read())
    if _documentation_only(tree):
        # An action plugin alone does the work (it runs on the controller only), as for ansible.builtin.set_fact.
        assert os.path.exists(os.path.join(REPO_ROOT, 'plugins', 'action', name + '.py')), name
        return
    defined = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    assert defined == ['main'], '%s defines %s; logic belongs in plugins/module_utils' % (name, defined)
    main = [node for node in tree.body if isinstance(node, ast.FunctionDef)][0]
    assert main.end_lineno - main.lineno < 40
