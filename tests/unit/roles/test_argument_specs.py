"""Each role's meta/argument_specs.yml says what its defaults are, both ways.

A role's defaults are its own defaults/main.yml over those of the roles it depends on
(meta/main.yml: the shared variables live once, in tprov.docker.common). For every role:
every variable its defaults/main.yml sets is documented; every documented default is the value
the defaults really have (the same text for a template); a documented option whose default is
not null documents that default; and facts one role sets for another are in the reader's spec.
"""

import glob
import os
import re

import pytest
import yaml

from tprov_testlib import REPO_ROOT

ROLES_DIR = os.path.join(REPO_ROOT, 'roles')
ROLES = sorted(os.path.basename(os.path.dirname(os.path.dirname(p)))
               for p in glob.glob(os.path.join(ROLES_DIR, '*', 'meta', 'argument_specs.yml')))


def _load(roles_dir, role, *parts):
    path = os.path.join(roles_dir, role, *parts)
    if not os.path.exists(path):
        return None
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def dependencies(roles_dir, role):
    meta = _load(roles_dir, role, 'meta', 'main.yml') or {}
    names = []
    for dep in meta.get('dependencies') or []:
        name = dep.get('role') if isinstance(dep, dict) else dep
        assert name.startswith('tprov.docker.'), '%s depends on %s, outside the collection' % (role, name)
        names.append(name.split('.', 2)[2])
    return names


def effective_defaults(roles_dir, role):
    """What the role's variables default to when it runs alone: its dependencies' defaults, then its own."""
    merged = {}
    for dep in dependencies(roles_dir, role):
        merged.update(effective_defaults(roles_dir, dep))
    merged.update(_load(roles_dir, role, 'defaults', 'main.yml') or {})
    return merged


def spec_options(roles_dir, role):
    return _load(roles_dir, role, 'meta', 'argument_specs.yml')['argument_specs']['main']['options']


def disagreements(roles_dir, role):
    """Every way the role's spec and its defaults disagree, as sentences (empty: they agree)."""
    options = spec_options(roles_dir, role)
    own = _load(roles_dir, role, 'defaults', 'main.yml') or {}
    defaults = effective_defaults(roles_dir, role)
    problems = ['%s: defaults/main.yml sets %s, which meta/argument_specs.yml does not document' % (role, name)
                for name in sorted(set(own) - set(options))]
    for name, option in sorted(options.items()):
        if 'default' in option:
            if name not in defaults:
                problems.append('%s: %s documents default %r, but no defaults file sets it' % (
                    role, name, option['default']))
            elif option['default'] != defaults[name]:
                problems.append('%s: %s documents default %r, the defaults have %r' % (
                    role, name, option['default'], defaults[name]))
        elif defaults.get(name) is not None:
            problems.append('%s: %s defaults to %r, which meta/argument_specs.yml does not document' % (
                role, name, defaults[name]))
    return problems


def facts_read_undocumented(roles_dir, setter, reader):
    """Facts the setter role's set_fact tasks pass on that the reader role's tasks use but its spec lacks."""
    facts = set()
    for path in glob.glob(os.path.join(roles_dir, setter, 'tasks', '*.yml')):
        for task in yaml.safe_load(open(path, encoding='utf-8')) or []:
            facts.update((task.get('ansible.builtin.set_fact') or {}).keys())
    text = ''.join(open(p, encoding='utf-8').read()
                   for p in glob.glob(os.path.join(roles_dir, reader, 'tasks', '*.yml')))
    options = spec_options(roles_dir, reader)
    return sorted(f for f in facts if re.search(r'\b%s\b' % re.escape(f), text) and f not in options)


def test_the_roles_are_found():
    assert {'pki', 'daemon', 'client', 'containers'} <= set(ROLES)


@pytest.mark.parametrize('role', ROLES)
def test_spec_and_defaults_agree_both_ways(role):
    assert disagreements(ROLES_DIR, role) == []


@pytest.mark.parametrize('setter,reader', [('pki', 'daemon')])
def test_facts_passed_between_roles_are_in_the_readers_spec(setter, reader):
    assert facts_read_undocumented(ROLES_DIR, setter, reader) == []


@pytest.mark.parametrize('role', ROLES)
def test_a_variable_is_defined_in_one_defaults_file(role):
    """A shared variable is defined once (tprov.docker.common), not copied into the roles that read it."""
    own = set(_load(ROLES_DIR, role, 'defaults', 'main.yml') or {})
    for other in ROLES:
        if other != role:
            assert not own & set(_load(ROLES_DIR, other, 'defaults', 'main.yml') or {}), (role, other)
