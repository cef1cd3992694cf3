# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of tprov.docker.docker_daemon_config: each ``tls_files.files[].src`` is read here, on the
controller, and sent as ``content`` (never printed), so that the certificates and the daemon's configuration
are one module run on the host; then the module runs on the target.

With ``host_facts_dir``, the host's facts record (plugin_utils/host_record.py) is read here too: the module
checks the identity recorded there before it writes anything, and the identity the host reports is recorded
after a run that succeeded, so that later runs can take the facts from the record instead of gathering."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail

from ansible_collections.tprov.docker.plugins.plugin_utils import host_record
from ansible_collections.tprov.docker.plugins.plugin_utils.controller_files import ControllerFiles
from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import InProcessModuleAction


class ActionModule(ControllerFiles, InProcessModuleAction):
    MODULE = 'docker_daemon_config'

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        self._record_path, self._record = None, None
        facts_dir = self._task.args.get('host_facts_dir')
        if facts_dir and self._task.args.get('state', 'present') == 'present':
            try:
                self._record_path = host_record.record_path(facts_dir, task_vars.get('inventory_hostname'))
                self._record = host_record.load(self._record_path)
            except host_record.RecordError as exc:
                raise AnsibleActionFail('host_facts_dir: %s' % exc)
        result = super(ActionModule, self).run(tmp, task_vars)
        reported = result.get('host_identity')
        if (self._record is not None and not result.get('failed') and isinstance(reported, dict)
                and reported != self._record['identity']):
            # The facts were recorded by gathering; the identity comes from the first run after it. A cache of
            # what was read, like Ansible's fact cache: written in check mode too.
            try:
                host_record.save(self._record_path, dict(self._record, identity=reported))
            except host_record.RecordError as exc:
                result.setdefault('warnings', []).append(str(exc))
        return result

    def module_args(self, task_vars):
        args = super(ActionModule, self).module_args(task_vars)
        args.pop('host_facts_dir', None)
        if self._record is not None and self._record['identity'] and args.get('host_identity') is None:
            args['host_identity'] = self._record['identity']
        tls = args.get('tls_files')
        if isinstance(tls, dict):
            args['tls_files'] = dict(tls, files=self.prepared_files(tls.get('files'), 'tls_files.files'))
        return args
