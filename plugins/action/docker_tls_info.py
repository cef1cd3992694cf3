# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of tprov.docker.docker_tls_info: the module, run in the worker when its task runs on the controller."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import InProcessModuleAction


class ActionModule(InProcessModuleAction):
    MODULE = 'docker_tls_info'
