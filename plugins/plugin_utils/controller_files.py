# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A file set's ``src`` read on the controller and sent as ``content`` (a no_log option, never printed): for
the actions of docker_tls_files (its ``files``) and docker_daemon_config (``tls_files.files``). A vault-encrypted
``src`` is decrypted with the play's vault secrets, as ansible.builtin.copy does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.text.converters import to_text


class ControllerFiles:
    """Mixed into an ActionBase: prepared_files turns each entry's src into content."""

    def prepared_files(self, files, option):
        """files (a list of entries; anything else is left to the module's argument check) with each src read
        here as content; a failure names ``option[N].src``."""
        if not isinstance(files, list):
            return files
        prepared = []
        for index, spec in enumerate(files):
            if not isinstance(spec, dict) or spec.get('src') is None:
                prepared.append(spec)
                continue
            if spec.get('content') is not None:
                raise AnsibleActionFail('%s[%d]: give src or content, not both.' % (option, index))
            spec = dict(spec)
            spec['content'] = self.read_controller_text(spec.pop('src'), '%s[%d].src' % (option, index))
            prepared.append(spec)
        return prepared

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
