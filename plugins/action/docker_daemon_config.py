# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of tprov.docker.docker_daemon_config: each ``tls_files.files[].src`` is read here, on the
controller, and sent as ``content`` (never printed), so that the certificates and the daemon's configuration
are one module run on the host; then the module runs on the target."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tprov.docker.plugins.plugin_utils.controller_files import ControllerFiles
from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import InProcessModuleAction


class ActionModule(ControllerFiles, InProcessModuleAction):
    MODULE = 'docker_daemon_config'

    def module_args(self, task_vars):
        args = super(ActionModule, self).module_args(task_vars)
        tls = args.get('tls_files')
        if isinstance(tls, dict):
            args['tls_files'] = dict(tls, files=self.prepared_files(tls.get('files'), 'tls_files.files'))
        return args
