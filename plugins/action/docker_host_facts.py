# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of tprov.docker.docker_host_facts: the facts from the host's record on the controller
(plugin_utils/host_record.py), or gathered on the host - by the module's own small run, and by
ansible.builtin.setup (three subsets) only for a distro family the module does not know - and recorded."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.tprov.docker.plugins.module_utils.host_identity import HOST_FACTS_ARGUMENT_SPEC
from ansible_collections.tprov.docker.plugins.plugin_utils import host_record, in_process

# The first task of the roles (and of secure_docker.yml): this plugin's class is loaded in the strategy's process
# before any worker forks, so the filter and test plugins the later tasks template are loaded there once, not in
# every worker before the first in-process module task (in_process.preload_filters).
in_process.preload_filters()

# What the roles read, and nothing that costs the host more (users, SSH keys, SELinux, service managers).
GATHER_SUBSET = ['!all', '!min', 'platform', 'distribution', 'python']
FACT_PREFIX = 'ansible_'


def _deprefixed(facts):
    return dict((name[len(FACT_PREFIX):] if name.startswith(FACT_PREFIX) else name, value)
                for name, value in facts.items())


class ActionModule(ActionBase):
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validated, args = self.validate_argument_spec(argument_spec=HOST_FACTS_ARGUMENT_SPEC)
        try:
            path = host_record.record_path(args['dir'], task_vars.get('inventory_hostname'))
            record = None if args['refresh'] else host_record.load(path)
        except host_record.RecordError as exc:
            raise AnsibleActionFail('dir: %s' % exc)
        if record is not None:
            result.update(changed=False, recorded=True, record=path, host_identity=record['identity'],
                          ansible_facts=dict((FACT_PREFIX + name, value) for name, value in record['facts'].items()))
            return result
        try:
            gathered = self.gather(task_vars, args)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        if gathered.get('failed') or gathered.get('unreachable') or 'ansible_facts' not in gathered:
            result.update(gathered)
            return result
        record = host_record.new_record(_deprefixed(gathered['ansible_facts']))
        record['identity'] = gathered.get('host_identity') or {}
        try:
            host_record.save(path, record)
        except host_record.RecordError as exc:
            raise AnsibleActionFail('dir: %s' % exc)
        result.update(changed=False, recorded=False, record=path, host_identity=record['identity'],
                      ansible_facts=gathered['ansible_facts'])
        for key in ('warnings', 'deprecations'):
            if gathered.get(key):
                result[key] = gathered[key]
        return result

    def gather(self, task_vars, args):
        """The module's own run on the host; setup as well when it does not know the distro family."""
        own = self._execute_module(module_name='tprov.docker.docker_host_facts', module_args=dict(args),
                                   task_vars=task_vars)
        if own.get('failed') or own.get('unreachable') or 'ansible_os_family' in own.get('ansible_facts', {}):
            return own
        setup = self._execute_module(module_name='ansible.builtin.setup', module_args={'gather_subset': GATHER_SUBSET},
                                     task_vars=task_vars)
        if setup.get('failed') or setup.get('unreachable'):
            return setup
        return dict(setup, host_identity=own.get('host_identity'))
