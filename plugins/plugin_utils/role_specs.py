# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument specs of several of the collection's roles as one (tprov.docker.docker_role_arguments), read
from their meta/argument_specs.yml - the one place each role declares its variables."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

# plugins/plugin_utils/ -> the collection's roles/
ROLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'roles')
COLLECTION = 'tprov.docker.'
_LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
# The options of each (role, entry point), read once per process.
_OPTIONS = {}

# docker_role_arguments' own options (its action and its module).
ROLE_ARGUMENTS_ARGUMENT_SPEC = dict(
    roles=dict(type='list', elements='str', required=True),
    entry_point=dict(type='str', default='main'),
)


class RoleSpecError(Exception):
    """A role or entry point that cannot be checked; ``str()`` names the option and the fix."""


def role_name(role):
    """The short name of a role of this collection ('pki' from 'pki' or 'tprov.docker.pki')."""
    short = role[len(COLLECTION):] if role.startswith(COLLECTION) else role
    if not short or '/' in short or os.sep in short or '.' in short or '\x00' in short:
        raise RoleSpecError('roles: %r is not a role of tprov.docker; name one as pki or tprov.docker.pki.' % (role,))
    return short


def entry_point_options(role, entry_point='main'):
    """The options ``entry_point`` of tprov.docker.``role`` declares in its meta/argument_specs.yml."""
    key = (role, entry_point)
    if key not in _OPTIONS:
        path = os.path.join(ROLES_DIR, role, 'meta', 'argument_specs.yml')
        try:
            with open(path, encoding='utf-8') as handle:
                specs = yaml.load(handle, Loader=_LOADER)['argument_specs']
        except (IOError, OSError, ValueError) as exc:
            raise RoleSpecError('roles: tprov.docker.%s has no meta/argument_specs.yml (%s); name a role of '
                                'tprov.docker.' % (role, getattr(exc, 'strerror', None) or exc))
        except (yaml.YAMLError, KeyError, TypeError) as exc:
            raise RoleSpecError('roles: the meta/argument_specs.yml of tprov.docker.%s cannot be read (%s).' % (role, exc))
        if not isinstance(specs, dict) or not all(isinstance(name, str) and isinstance(spec, dict)
                                                  for name, spec in specs.items()):
            raise RoleSpecError('roles: the meta/argument_specs.yml of tprov.docker.%s is not a mapping of entry points '
                                'to their specs.' % role)
        if entry_point not in specs:
            raise RoleSpecError('entry_point: tprov.docker.%s has no entry point %r (it has %s).'
                                % (role, entry_point, ', '.join(sorted(specs))))
        options = specs[entry_point].get('options') or {}
        _check_options(options, 'the options of entry point %r of tprov.docker.%s' % (entry_point, role))
        _OPTIONS[key] = options
    return _OPTIONS[key]


def _check_options(options, where):
    """Refuse options that validation could not read: a mapping of names to mappings, suboptions alike."""
    if not isinstance(options, dict) or not all(isinstance(name, str) and isinstance(option, dict)
                                                for name, option in options.items()):
        raise RoleSpecError('roles: %s are not a mapping of option names to their specs.' % where)
    for name, option in options.items():
        if option.get('options') is not None:
            _check_options(option['options'], 'the suboptions of %s in %s' % (name, where))


def preload(entry_point='main'):
    """Read every role's ``entry_point`` options now: called where the action plugin is loaded, in the strategy's
    process before it forks the worker of each task and host, so that the workers find them read, not each host's
    worker again (a few milliseconds each). Never fails: a role that cannot be read is reported by the
    task that names it."""
    try:
        roles = sorted(os.listdir(ROLES_DIR))
    except OSError:
        return
    for role in roles:
        try:
            entry_point_options(role, entry_point)
        except Exception:  # only a head start: the task naming the role reports what is wrong
            pass


def _checked_part(option):
    """What validation reads of an option: all but its words for people (a role that reads a variable another
    role sets documents it in its own words)."""
    if isinstance(option, dict):
        return dict((key, _checked_part(value)) for key, value in option.items()
                    if key not in ('description', 'version_added'))
    if isinstance(option, list):
        return [_checked_part(value) for value in option]
    return option


def merged_options(roles, entry_point='main'):
    """The options of ``entry_point`` of each role, as one argument spec. A variable several roles declare must
    be declared the same way by each, descriptions aside."""
    merged, owner = {}, {}
    for role in roles:
        short = role_name(role)
        for name, option in entry_point_options(short, entry_point).items():
            if name in merged and _checked_part(merged[name]) != _checked_part(option):
                raise RoleSpecError('roles: tprov.docker.%s and tprov.docker.%s declare %s differently (type, default, '
                                    'choices or suboptions); make their meta/argument_specs.yml agree.'
                                    % (owner[name], short, name))
            merged.setdefault(name, option)
            owner.setdefault(name, short)
    return merged
