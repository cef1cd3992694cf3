# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of tprov.docker.docker_role_arguments: ansible.builtin.validate_argument_spec over the merged
argument specs of several of the collection's roles (plugin_utils/role_specs.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action.validate_argument_spec import ActionModule as ValidateArgumentSpec

from ansible_collections.tprov.docker.plugins.plugin_utils import in_process, role_specs

# Loaded in the strategy's process before any worker forks (as docker_host_facts'): the collection's filters and
# Ansible's own filter and test plugins are loaded there once, not in the worker of every task and host.
in_process.preload_filters()
role_specs.preload()


class ActionModule(ValidateArgumentSpec):

    def run(self, tmp=None, task_vars=None):
        _validated, args = self.validate_argument_spec(argument_spec=role_specs.ROLE_ARGUMENTS_ARGUMENT_SPEC)
        try:
            spec = role_specs.merged_options(args['roles'], args['entry_point'])
        except role_specs.RoleSpecError as exc:
            raise AnsibleActionFail(str(exc))
        roles = ', '.join('tprov.docker.%s' % role_specs.role_name(role) for role in args['roles'])
        self._task.args = {'argument_spec': spec, 'validate_args_context': {
            'type': 'role', 'name': roles, 'argument_spec_name': args['entry_point'],
            'path': role_specs.ROLES_DIR}}
        result = super(ActionModule, self).run(tmp, task_vars)
        # The whole merged spec is long and tells nothing the message does not.
        result.pop('argument_spec_data', None)
        return result
