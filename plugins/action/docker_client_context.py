# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of tprov.docker.docker_client_context: ca_src, cert_src and key_src are read here, on the
controller, as docker_tls_files reads its src (a vaulted file decrypted), and sent to the module as
ca_content, cert_content and key_content (key_content is no_log); then the module runs on the target."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail

from ansible_collections.tprov.docker.plugins.plugin_utils.controller_files import ControllerFiles
from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import InProcessModuleAction


class ActionModule(ControllerFiles, InProcessModuleAction):
    MODULE = 'docker_client_context'

    def module_args(self, task_vars):
        args = super(ActionModule, self).module_args(task_vars)
        for part in ('ca', 'cert', 'key'):
            src = args.pop(part + '_src', None)
            if src is None:
                continue
            if args.get(part + '_content') is not None:
                raise AnsibleActionFail('%s_src and %s_content: give one of them, not both.' % (part, part))
            args[part + '_content'] = self.read_controller_text(src, part + '_src')
        return args
