#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_tls_files
short_description: Install certificates, keys and environment files into one directory in one run
version_added: 0.1.0
description:
  - Puts the files a Docker daemon or client needs (C(ca.pem), C(server-cert.pem), C(server-key.pem),
    C(cert.pem), C(key.pem), an environment file) into O(dest) in one module run, where
    M(ansible.builtin.file) plus one M(ansible.builtin.copy) per file would take one run each.
    The pki and client roles use it.
  - The directory is created (or its owner and mode corrected). Each file is compared by content, mode
    and owner; a file whose content differs is replaced atomically (a temp file with its owner and mode
    already set, then a rename), the previous one kept as a backup when O(backup) is set.
  - O(files[].src) is read on the controller by the action plugin and sent as content (never logged);
    O(files[].content) gives the content directly.
  - File content is never logged or shown in a diff. A file that holds a private key (a PEM
    C(PRIVATE KEY) block) may not be given a mode that lets group or others read it.
  - Safe to run as root into a directory another user controls (a C(~/.docker) with O(owner) set to that
    user). Nothing is followed or changed through a link that user could have planted - the run fails,
    naming the path, when O(dest) or a directory above it is a symbolic link in a directory that a
    user other than root (or the user the module runs as) can write, when a file to replace is a symbolic link, not a regular file, or has
    other hard links, or when O(dest) is owned by someone other than root or O(owner). Files are opened
    without following links and changed through their descriptors; new files and backups are created
    exclusively (0600 or narrower before their content) and renamed into place.
  - An existing O(dest) that group or others can write to is refused, naming it and the fix (C(chmod go-w)),
    since a file another user put there would stay beside the files written here. Group write is accepted when
    the group's only members are root and O(owner) (a user's own group).
  - A file with the right content that belongs to someone other than O(owner) (root when O(owner) is not
    set), or to another group than O(group), is replaced by a new file, not given to O(owner) - whoever made
    it may still hold it open for writing. Only a mode is corrected in place.
  - Runs on the same O(dest) take turns, through a lock file in C(/run/tprov-docker/locks) (root's; a
    private directory in the temporary directory otherwise), not a lock on O(dest) itself, which its owner
    could hold for ever. A lock not free within 5 minutes fails the run, naming O(dest); only when no
    private directory can be made is O(dest) itself locked, waiting at most 30 seconds.
  - A file in O(dest) larger than 1 MiB (no certificate or key is) is not read (it differs) and not
    backed up; with O(backup) set the run fails naming it, otherwise it is replaced.
attributes:
  check_mode:
    support: full
    description: Reports which files would change; writes nothing.
  diff_mode:
    support: full
    description:
      - Shows each changed file's digest and mode before and after (and whether it is a private key), never
        its content - the content option is no_log, so Ansible would mask it anyway.
      - The digest is an HMAC-SHA256 under a random key of the run, so a changed file shows a different digest,
        but it cannot be compared with another run's or matched against guessed content.
options:
  dest:
    description: The directory (absolute path) the files go into. Its parent must exist.
    type: path
    required: true
  files:
    description: The files to install.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The file name inside O(dest) (no C(/)).
        type: str
        required: true
      src:
        description:
          - A file on the controller whose content is installed (read by the action plugin; a relative
            path is looked up like M(ansible.builtin.copy)'s O(ansible.builtin.copy#module:src)).
          - Exactly one of O(files[].src) and O(files[].content).
        type: path
      content:
        description: The content to install. Exactly one of O(files[].src) and O(files[].content).
        type: str
      mode:
        description: The file's mode, as an octal string (V('0600')). A private key must be V('0600') or V('0400').
        type: raw
        default: '0600'
  dir_mode:
    description: The mode of O(dest).
    type: raw
    default: '0700'
  owner:
    description: Owner (name or uid) of O(dest) and every file; unchanged when not set.
    type: str
  group:
    description: Group (name or gid) of O(dest) and every file; unchanged when not set.
    type: str
  backup:
    description:
      - Keep a file's previous content as C(NAME.TIMESTAMP.tprov-backup) (C(NAME.TIMESTAMP-N.tprov-backup) for the
        Nth in the same second; same mode and owner) before
        replacing it. The backup is created 0600, or narrower when the file is, before a byte is written.
        RV(backups) lists them for M(tprov.docker.docker_daemon_config)'s O(tprov.docker.docker_daemon_config#module:restore).
    type: bool
    default: false
seealso:
  - module: tprov.docker.docker_tls_pki
  - module: ansible.builtin.copy
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Install the daemon's CA certificate, server certificate and key (the CA key stays on the controller)
  tprov.docker.docker_tls_files:
    dest: /etc/docker/tls
    dir_mode: '0755'
    owner: root
    group: root
    backup: true
    files:
      - {name: ca.pem, src: pki/ca.pem, mode: '0444'}
      - {name: server-cert.pem, src: "pki/hosts/{{ inventory_hostname }}/server-cert.pem", mode: '0444'}
      - {name: server-key.pem, src: "pki/hosts/{{ inventory_hostname }}/server-key.pem", mode: '0400'}

- name: A client bundle and an environment file in ~/.docker
  tprov.docker.docker_tls_files:
    dest: /home/alice/.docker
    owner: alice
    files:
      - {name: ca.pem, src: pki/clients/alice/ca.pem}
      - {name: cert.pem, src: pki/clients/alice/cert.pem}
      - {name: key.pem, src: pki/clients/alice/key.pem}
      - {name: docker1.env, content: "export DOCKER_HOST=tcp://docker1:2376\nexport DOCKER_TLS_VERIFY=1\n"}
'''

RETURN = r'''
files:
  description: Per file, in the order given - C(name), C(path), C(mode), C(changed), C(content_changed) and, when a backup was made, C(backup_file).
  returned: success
  type: list
  elements: dict
  sample: [{"name": "server-key.pem", "path": "/etc/docker/tls/server-key.pem", "mode": "0400", "changed": false,
            "content_changed": false}]
backups:
  description:
    - One entry per file whose content changed - C(path) and C(backup) (the backup file, or null when the
      file was new) - the form M(tprov.docker.docker_daemon_config)'s O(tprov.docker.docker_daemon_config#module:restore) takes.
  returned: success
  type: list
  elements: dict
  sample: [{"path": "/etc/docker/tls/server-cert.pem", "backup": "/etc/docker/tls/server-cert.pem.20261127T020000.tprov-backup"}]
dir_changed:
  description: Whether O(dest) was created or its owner or mode corrected.
  returned: success
  type: bool
'''

from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule
from ansible_collections.tprov.docker.plugins.module_utils import tls_files


def main():
    module = SafeModule(
        argument_spec=dict(tls_files.file_set_spec(), backup=dict(type='bool', default=False)),
        supports_check_mode=True,
    )
    module.exit_json(**tls_files.run(module))


if __name__ == '__main__':
    main()
