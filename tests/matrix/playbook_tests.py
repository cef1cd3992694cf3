"""The integration tests that run modules through ansible-playbook, as pytest node ids (for cell.sh):
a test function that calls ``ansible_playbook`` (directly or through a helper of its file) or takes
the ``playbook`` fixture of tests/integration/conftest.py."""

import ast
import glob
import sys

# The 100-container scale test measures the engine, not ansible-core; the Molecule cells run the
# containers role on every version instead.
LEFT_OUT = {'tests/integration/test_scale.py'}


def _names(node):
    return set(n.id for n in ast.walk(node) if isinstance(n, ast.Name))


def playbook_tests(root):
    ids = []
    for path in sorted(glob.glob(root + '/tests/integration/test_*.py')):
        relative = path[len(root) + 1:]
        if relative in LEFT_OUT:
            continue
        with open(path) as handle:
            functions = [n for n in ast.parse(handle.read()).body if isinstance(n, ast.FunctionDef)]
        runners = {'ansible_playbook'}
        for node in functions:  # helpers of the file that run a playbook
            if not node.name.startswith('test_') and 'ansible_playbook' in _names(node):
                runners.add(node.name)
        for node in functions:
            if node.name.startswith('test_') and (runners & _names(node) or
                                                  'playbook' in [a.arg for a in node.args.args]):
                ids.append('%s::%s' % (relative, node.name))
    return ids


if __name__ == '__main__':
    print('\n'.join(playbook_tests(sys.argv[1])))
