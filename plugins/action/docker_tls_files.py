# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action of tprov.docker.docker_tls_files: each ``src`` is read here, on the controller, and
sent to the module as ``content`` (a no_log option, so it is never printed); then the module runs
on the target (in the worker when the target is the controller). A vault-encrypted ``src`` is
decrypted here with the play's vault secrets, as ansible.builtin.copy does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.tprov.docker.plugins.plugin_utils.in_process import InProcessModuleAction


class ActionModule(InProcessModuleAction):
    MODULE = 'docker_tls_files'

    def module_args(self, task_vars):
        args = super(ActionModule, self).module_args(task_vars)
        files = args.get('files')
        if not isinstance(files, list):
            return args  # the module's own argument check says what is wrong
        prepared = []
        for index, spec in enumerate(files):
            if not isinstance(spec, dict) or spec.get('src') is None:
                prepared.append(spec)
                continue
            if spec.get('content') is not None:
                raise AnsibleActionFail('files[%d]: give src or content, not both.' % index)
            spec = dict(spec)
            spec['content'] = self.read_controller_text(spec.pop('src'), 'files[%d].src' % index)
            prepared.append(spec)
        args['files'] = prepared
        return args

    def read_controller_text(self, src, option):
        """The text of src on the controller (found like copy's src, a vaulted file decrypted); the
        failure names option."""
        try:
            path = self._find_needle('files', to_text(src))
            # get_real_file decrypts a vaulted file into a private temporary copy (removed below).
            real = self._loader.get_real_file(path, decrypt=True)
            try:
                with open(real, 'rb') as handle:
                    data = handle.read()
            finally:
                self._loader.cleanup_tmp_file(real)
        except (AnsibleError, IOError, OSError) as exc:
            raise AnsibleActionFail('%s: cannot read %s on the controller: %s' % (option, src, exc))
        try:
            return data.decode('utf-8')
        except UnicodeDecodeError:
            raise AnsibleActionFail('%s: %s is not text (PEM or an environment file is expected).' % (option, src))
