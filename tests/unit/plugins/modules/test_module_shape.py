"""Every module file is its documentation and a main() that calls a backend - or, for a module that is only
an action (it runs on the controller, as ansible.builtin.set_fact), its documentation alone."""

import ast
import glob
import os

import pytest

from tprov_testlib import ACTION_ONLY_MODULES, REPO_ROOT

THIN = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
              if not p.endswith('__init__.py') and os.path.basename(p)[:-3] not in ACTION_ONLY_MODULES)


def test_every_module_is_checked():
    assert len(THIN) >= 10


@pytest.mark.parametrize('name', THIN)
def test_module_file_is_documentation_and_main(name):
    tree = ast.parse(open(os.path.join(REPO_ROOT, 'plugins', 'modules', name + '.py')).read())
    defined = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    assert defined == ['main'], '%s defines %s; logic belongs in plugins/module_utils' % (name, defined)
    main = [node for node in tree.body if isinstance(node, ast.FunctionDef)][0]
    assert main.end_lineno - main.lineno < 40


@pytest.mark.parametrize('name', ACTION_ONLY_MODULES)
def test_an_action_only_module_is_documentation_alone_beside_its_action(name):
    tree = ast.parse(open(os.path.join(REPO_ROOT, 'plugins', 'modules', name + '.py')).read())
    assigned = sorted(target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets)
    assert assigned == ['DOCUMENTATION', 'EXAMPLES', 'RETURN', '__metaclass__'], assigned
    assert not [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Import))]
    action = open(os.path.join(REPO_ROOT, 'plugins', 'action', name + '.py')).read()
    # Its arguments are checked there, against a spec with types.
    assert 'validate_argument_spec(argument_spec=' in action and 'InProcessModuleAction' not in action
