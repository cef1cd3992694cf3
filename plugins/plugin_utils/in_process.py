# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a tprov.docker module inside Ansible's worker process when its task runs on the controller.

A module normally costs a process: Ansible scans and zips every module_utils file it imports
(AnsiballZ), starts a Python, which compiles those files again from the zip, then the module does
its work. For an idempotent re-run of 20 containers that overhead is more than the work itself
(about 0.5 s against 0.01 s of API calls). When the task's host *is* the controller, with the
controller's own Python, the worker process that Ansible forks for the task is the same host, user
and interpreter the module would run in - so the action plugin imports the module and calls its
``main()`` right there, with exactly the arguments (``_ansible_*`` flags included) Ansible would
have sent, and parses its JSON output the way Ansible parses a module's. The module code, its
AnsibleModule argument validation, no_log masking and error messages are the same code either way.

The shortcut is taken only when nothing could tell the two apart: a local connection, no become
(or one Ansible itself skips, to the user it runs as: see become_is_skipped), no async, and the
interpreter Ansible would use is this very Python. The task's ``environment:``
is applied to this process for the run and put back afterwards, as the module's own process
would have had it. Otherwise,
or with ``tprov_docker_in_process: false``, the module runs the ordinary way.

The shortcut leans on ansible-core names that are private and change between releases. All of them
sit behind one adapter (CoreAdapter), resolved lazily, only on the ansible-core minor releases the
test matrix ran the shortcut on (TESTED_CORE): on any other release, or when a name is missing, the
module runs as a process and -vvv says why. Loading this file touches public names only, so no
ansible-core release can make the action plugins fail to load.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import functools
import importlib
import io
import json
import os
import sys
import traceback
from contextlib import redirect_stdout

from ansible import constants as C
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.release import __version__ as ANSIBLE_CORE_VERSION
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

display = Display()

IN_PROCESS_VAR = 'tprov_docker_in_process'
MODULES_PACKAGE = 'ansible_collections.tprov.docker.plugins.modules'  # where MODULE names a file
PROFILE = 'legacy'  # the serialization profile of every module that does not declare one (all of ours)

# The ansible-core minor releases whose private names below were tested by the matrix stage
# (tests/matrix/run-matrix.sh): the in-process path runs only there. Before 2.19 there are no
# serialization profiles; 2.21 turned module results into an internal UnifiedTaskResult.
TESTED_CORE = ('2.19', '2.20')

# Every private ansible-core name the in-process path uses: (module, attribute).
BASIC_GLOBALS = ('_ANSIBLE_ARGS', '_ANSIBLE_PROFILE', '_PARSED_MODULE_ARGS')  # a module's arguments
WARNING_GLOBALS = ('_global_warnings', '_global_deprecations')  # what a module run collects
PRIVATE_NAMES = (
    (('ansible.vars.clean', 'remove_internal_keys'),
     ('ansible.module_utils.common.json', 'Direction'),
     ('ansible.module_utils.common.json', 'get_module_encoder'))
    + tuple(('ansible.module_utils.basic', name) for name in BASIC_GLOBALS)
    + tuple(('ansible.module_utils.common.warnings', name) for name in WARNING_GLOBALS)
    + tuple(('ansible.plugins.action', 'ActionBase.' + name)
            for name in ('_update_module_args', '_parse_returned_data', '_compute_environment_string',
                         '_get_remote_user'))
)


def core_minor(version=None):
    """'2.19' from '2.19.14' (or from ansible-core's own version)."""
    return '.'.join((version or ANSIBLE_CORE_VERSION).split('.')[:2])


class CoreAdapter:
    """The private ansible-core names of the in-process path, resolved, or the reason they are not usable."""

    def __init__(self, names):
        self.names = names
        self.remove_internal_keys = names['remove_internal_keys']
        self.Direction = names['Direction']
        self.get_module_encoder = names['get_module_encoder']

    @staticmethod
    @functools.lru_cache(maxsize=1)  # once per process
    def load():
        """(adapter, None) where the in-process path applies on this ansible-core, else (None, why not)."""
        return CoreAdapter.resolve(ANSIBLE_CORE_VERSION, PRIVATE_NAMES)

    @classmethod
    def resolve(cls, version, private_names):
        """(adapter, None) when ``version`` was tested and every name resolves, else (None, why not)."""
        if core_minor(version) not in TESTED_CORE:
            return None, ('ansible-core %s is not a release the in-process path was tested on (%s)'
                          % (version, ', '.join(TESTED_CORE)))
        names = {}
        for module_name, attribute in private_names:
            try:
                value = importlib.import_module(module_name)
                for part in attribute.split('.'):
                    value = getattr(value, part)
            except Exception as exc:  # any failure here only means: run the module as a process
                return None, 'ansible-core %s lacks %s.%s (%s: %s)' % (
                    version, module_name, attribute, type(exc).__name__, exc)
            names[attribute.split('.')[-1]] = value
        return cls(names), None


def preload_module(name, version=None):
    """Import module ``name`` now, where the in-process path may run it; never fail.

    Ansible's strategy loads an action plugin's class in its main process before it forks the worker
    of each task and host, so what is imported here is imported once per play run, not once per task
    and host: the module, its module_utils, requests and cryptography were about 0.12 s of every
    in-process task (ansible-core 2.19, 2 cores). On a release the path does not run on, or when
    the import fails (the module may run on a host with libraries the controller lacks), nothing is
    done; the worker would import it, or run the module as a process, as before. True when imported.
    The import runs in the controller's environment, not under a task's ``environment:`` (which applies
    while ``main()`` runs): none of the collection's code reads the environment when it is imported.
    """
    if not name or core_minor(version) not in TESTED_CORE:
        return False
    preload_filters(version)
    try:
        importlib.import_module('%s.%s' % (MODULES_PACKAGE, name))
    except Exception:  # only a head start: the task itself reports what is wrong
        return False
    return True


# Jinja2 plugins loaded in the strategy's process: a filter of each of the collection's filter files, and one
# of ansible-core's own filter and test files (filter/core.py, test/core.py; almost every task of the roles uses
# one of them - default, basename, bool, is file). Loaded there, every worker forked after it finds them
# loaded; otherwise each worker imports and resolves them again, about 0.03 s of each task and host.
PRELOADED_FILTERS = ('tprov.docker.docker_pki_paths', 'ansible.builtin.basename')
PRELOADED_TESTS = ('ansible.builtin.file',)


def preload_filters(version=None):
    """Load the Jinja2 plugins above in the strategy's process, as preload_module does the modules (only on
    the releases the in-process path was tested on). Never fails; a plugin that cannot be loaded here is
    loaded, and reported, where a template uses it. True when loaded."""
    if core_minor(version) not in TESTED_CORE:
        return False
    try:
        from ansible.plugins.loader import filter_loader, test_loader
        for name in PRELOADED_FILTERS:
            filter_loader.get(name)
        for name in PRELOADED_TESTS:
            test_loader.get(name)
    except Exception:  # only a head start
        return False
    return True


class InProcessModuleAction(ActionBase):
    """The action of a tprov.docker module: the module itself, in-process when that is indistinguishable."""

    _supports_check_mode = True
    _supports_async = True

    # Set by each action plugin: the module's file name under plugins/modules/.
    MODULE = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        preload_module(cls.MODULE)

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(InProcessModuleAction, self).run(tmp, task_vars)
        del tmp
        module_args = self.module_args(task_vars)
        adapter, reason = CoreAdapter.load()
        if adapter is not None:
            reason = self.why_not_in_process(task_vars)
        if reason is None:
            display.vvv('tprov.docker: running %s in the worker process (the task runs on the controller)'
                        % self.MODULE, host=self._play_context.remote_addr)
            return merge_hash(result, self.run_in_process(adapter, task_vars, module_args))
        # What ansible-core allows is news at -vvv (a user may wonder about speed); a task's own
        # settings that rule the shortcut out are routine, -vvvv.
        say = display.vvv if adapter is None else display.vvvv
        say('tprov.docker: running %s as its own process: %s' % (self.MODULE, reason),
            host=self._play_context.remote_addr)
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(module_args=module_args, task_vars=task_vars,
                                                         wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def module_args(self, task_vars):
        """The arguments the module gets: the task's; an action may prepare them on the controller."""
        return copy.deepcopy(dict(self._task.args))

    # -----------------------------------------------------------------------------------------
    def host_vars(self, task_vars):
        """The variables of the host the module would run on (the delegate's, when delegated)."""
        if self._task.delegate_to:
            return (task_vars.get('ansible_delegated_vars') or {}).get(self._task.delegate_to) or {}
        return task_vars

    def why_not_in_process(self, task_vars):
        """None when running in-process cannot differ from running the module; else the reason."""
        host_vars = self.host_vars(task_vars)
        wanted = host_vars.get(IN_PROCESS_VAR, task_vars.get(IN_PROCESS_VAR, True))
        if not boolean(self._templar.template(wanted), strict=False):
            return '%s is false' % IN_PROCESS_VAR
        if self._connection.transport not in ('local', 'ansible.builtin.local'):
            return 'the connection is %s, not local' % self._connection.transport
        if self._play_context.become or self._connection.become is not None:
            remote_user, become_user = self._get_remote_user(), self.get_become_option('become_user')
            if not become_is_skipped(remote_user, become_user, C.BECOME_ALLOW_SAME_USER):
                return 'become is set (%s to %s)' % (remote_user, become_user)
            display.vvvv('tprov.docker: become is set, but to %s, the user the task already runs as: Ansible '
                         'would run %s without it (become_allow_same_user is off)' % (become_user, self.MODULE),
                         host=self._play_context.remote_addr)
        if self._task.async_val:
            return 'the task is async'
        interpreter = host_vars.get('ansible_python_interpreter')
        if interpreter is None:
            interpreter = C.config.get_config_value('INTERPRETER_PYTHON', variables=host_vars)
        interpreter = self._templar.template(interpreter)
        if not same_python(interpreter, sys.executable):
            return 'the interpreter (%s) is not this Python (%s)' % (interpreter, sys.executable)
        return None

    # -----------------------------------------------------------------------------------------
    def run_in_process(self, adapter, task_vars, module_args):
        """The module's result, from its main() in this process, parsed as Ansible parses a module's output."""
        from ansible.module_utils import basic

        self._update_module_args(self._task.action, module_args, task_vars)
        encoder = adapter.get_module_encoder(PROFILE, adapter.Direction.CONTROLLER_TO_MODULE)
        payload = json.dumps({'ANSIBLE_MODULE_ARGS': module_args}, cls=encoder).encode('utf-8')

        # The task's environment: keyword, as the module's process would have it (put back afterwards).
        environment = {}
        self._compute_environment_string(environment)

        saved = ProcessState.save(basic)
        output = io.StringIO()
        crash = None
        try:
            os.environ.update(dict((str(k), str(v)) for k, v in environment.items()))
            basic._ANSIBLE_ARGS = payload
            basic._ANSIBLE_PROFILE = PROFILE
            module = importlib.import_module('%s.%s' % (MODULES_PACKAGE, self.MODULE))
            with redirect_stdout(output):
                module.main()
        except SystemExit:
            pass  # exit_json / fail_json printed the result and exited, as modules do
        except Exception as exc:  # what AnsiballZ reports as a module failure
            crash = exc, traceback.format_exc()
        finally:
            saved.restore(basic)
        if crash is not None:
            return dict(failed=True, msg='MODULE FAILURE: %s: %s' % (type(crash[0]).__name__, crash[0]),
                        exception=crash[1])
        data = self._parse_returned_data({'stdout': output.getvalue(), 'stderr': '', 'rc': 0}, PROFILE)
        adapter.remove_internal_keys(data)
        return data


def become_is_skipped(remote_user, become_user, allow_same_user):
    """Whether Ansible runs a task's module without its become: the become user is the connection's user.

    ansible-core's own rule (ActionBase._low_level_execute_command): a become to the user the
    connection already is (root to root, the usual `become: true` of a play run by root, on a task
    delegated to localhost) is skipped unless become_allow_same_user is set; with the local connection
    that user is the controller's own (getpass). The module's process is then started exactly as without
    become, so running it in this process changes nothing either. A become Ansible does carry out is
    never taken in process, even one to the same uid (become_allow_same_user): sudo or su would reset the
    environment (DOCKER_HOST, HOME: what the modules read), open a PAM session and apply the flags, and
    guessing what they did would be telling the two apart.
    """
    return not allow_same_user and bool(remote_user or become_user) and remote_user == become_user


def same_python(interpreter, executable):
    """True when ``interpreter`` is this Python: the same file, reached from the same directory.

    A venv is known by where its ``bin/python`` link sits, not by the binary it resolves to, so
    ``.venv/bin/python`` and ``.venv/bin/python3`` are the same Python; another venv's is not.
    """
    if not isinstance(interpreter, str) or not os.path.isabs(interpreter):
        return False
    if os.path.dirname(os.path.normpath(interpreter)) != os.path.dirname(os.path.normpath(executable)):
        return False
    try:
        return os.path.samefile(interpreter, executable)
    except OSError:
        return False


class ProcessState:
    """What a module run changes in its process, put back afterwards (a looped task runs it again here)."""

    def __init__(self, basic_globals, environ, cwd, warnings, deprecations):
        self.basic_globals = basic_globals
        self.environ = environ
        self.cwd = cwd
        self.warnings = warnings
        self.deprecations = deprecations

    @classmethod
    def save(cls, basic):
        from ansible.module_utils.common import warnings as module_warnings
        return cls(dict((name, getattr(basic, name, None)) for name in BASIC_GLOBALS),
                   dict(os.environ), os.getcwd(), *[_swap(module_warnings, name) for name in WARNING_GLOBALS])

    def restore(self, basic):
        from ansible.module_utils.common import warnings as module_warnings
        for name, value in self.basic_globals.items():
            setattr(basic, name, value)
        if dict(os.environ) != self.environ:
            os.environ.clear()
            os.environ.update(self.environ)
        if os.getcwd() != self.cwd:
            os.chdir(self.cwd)
        for name, value in zip(WARNING_GLOBALS, (self.warnings, self.deprecations)):
            _swap(module_warnings, name, value)


def _swap(holder, name, value=None):
    """Replace a module-level dict with ``value`` (a fresh one by default); return what was there."""
    previous = getattr(holder, name, None)
    if isinstance(previous, dict):
        setattr(holder, name, value if value is not None else {})
    return previous
