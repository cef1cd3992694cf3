# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of tprov.docker.docker_tls_files: each ``src`` is read here, on the controller, and
sent to the module as ``content`` (a no_log option, so it is never printed); then the module runs
on the target (in the worker when the target is the controller). A vault-encrypted ``src`` is
decrypted here with the play's vault secrets, as ansible.builtin.copy does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tprov.docker.plugins.plugin_utils.controller_files import ControllerFiles
from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import InProcessModuleAction


class ActionModule(ControllerFiles, InProcessModuleAction):
    MODULE = 'docker_tls_files'

    def module_args(self, task_vars):
        args = super(ActionModule, self).module_args(task_vars)
        if 'files' in args:
            args['files'] = self.prepared_files(args['files'], 'files')
        return args
