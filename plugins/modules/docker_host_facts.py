#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_host_facts
short_description: The facts the collection's roles read about a Docker host, recorded on the controller
version_added: 0.2.0
description:
  - Sets the facts the roles read - C(fqdn) (the server certificate's names), C(os_family) (the daemon's paths and
    packages) and C(python) - named and shaped as M(ansible.builtin.setup) gives them.
  - The first time, and with O(refresh), they are gathered on the host and recorded in O(dir) on the controller,
    one file per inventory host; later runs take them from that record, with no module run on the host.
  - Gathering is this module's own small run on the host - C(socket.getfqdn()) as the platform facts compute
    it, the running Python, and the distro family of a well-known os-release C(ID) (Debian, Ubuntu and their
    derivatives; Red Hat Enterprise Linux, CentOS, Fedora, Rocky, AlmaLinux, Oracle Linux, Amazon Linux and
    others of that family). For any other distribution M(ansible.builtin.setup) runs as well, with the subsets
    C(platform), C(distribution) and C(python) only, and its facts are recorded.
  - A record can go stale (the host renamed or reinstalled). M(tprov.docker.docker_daemon_config), given the same
    directory, checks the host against the identity recorded with the facts (its FQDN, Python and os-release)
    before it writes anything, and fails with C(error_kind=host_changed) when it differs; the daemon role then
    runs this module with O(refresh) and plans the run again. Other uses of the facts should do the same, or set
    O(refresh).
  - The record holds no secret, but it decides the server certificate's names and the daemon's paths. It is written
    as the controller's user, mode 0600 in a 0700 directory (missing parents are made 0700 too), by an atomic
    rename. A record that is a symlink, or that another user owns or could have written (it or its directory
    writable by group or others), is refused with a message; one that is not a whole record of this release is
    gathered again.
  - The action plugin runs on the controller; the module itself runs on the host only to gather.
attributes:
  check_mode:
    support: full
    description:
      - Gathers and records as in a normal run (the record is a cache of what was read, as Ansible's fact cache).
      - The host is only read.
  diff_mode:
    support: none
    description: Nothing on the host changes.
  facts:
    support: full
    description: Sets the facts listed above (all that setup returned, when it ran).
options:
  dir:
    description:
      - The directory of the records on the controller (the roles use C(docker_host_facts_dir), by default
        C(docker_pki_dir/host-facts)). Made, mode 0700, when missing. Read and written by the action plugin; unused
        on the host.
    type: path
    required: true
  refresh:
    description: Gather the facts on the host and record them again, whatever the record holds.
    type: bool
    default: false
notes:
  - The record of a host is C(DIR/INVENTORY_HOSTNAME.json); an inventory name that cannot be a file name as it is
    (an IPv6 address, a slash) is recorded under a digest of it, C(DIR/host-SHA256PREFIX.json).
seealso:
  - module: ansible.builtin.setup
  - module: tprov.docker.docker_daemon_config
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Facts for the daemon role, recorded beside the PKI
  tprov.docker.docker_host_facts:
    dir: "{{ inventory_dir }}/pki/host-facts"

- name: Gather them again after renaming the host
  tprov.docker.docker_host_facts:
    dir: "{{ inventory_dir }}/pki/host-facts"
    refresh: true
'''

RETURN = r'''
recorded:
  description: Whether the facts came from the record (V(false) - gathered on the host and recorded now).
  returned: success, on the controller
  type: bool
  sample: true
record:
  description: The record's path on the controller.
  returned: success, on the controller
  type: str
  sample: /srv/inventory/pki/host-facts/docker1.json
host_identity:
  description:
    - What the host is, as tprov.docker.docker_daemon_config checks it (C(fqdn), C(python) with symlinks resolved,
      C(os_release_id), C(os_release_version_id)); recorded with the facts. From the record when RV(recorded).
  returned: success
  type: dict
  sample: {fqdn: docker1.example.com, python: /usr/bin/python3.11, os_release_id: debian, os_release_version_id: "12"}
ansible_facts:
  description: The facts, named as M(ansible.builtin.setup) names them (all that setup returned, when it ran).
  returned: success
  type: dict
  sample: {ansible_fqdn: docker1.example.com, ansible_os_family: Debian, ansible_python: {executable: /usr/bin/python3}}
'''

from ansible_collections.tprov.docker.plugins.module_utils.host_identity import HOST_FACTS_ARGUMENT_SPEC, host_facts
from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule


def main():
    module = SafeModule(argument_spec=HOST_FACTS_ARGUMENT_SPEC, supports_check_mode=True)
    module.exit_json(**host_facts())


if __name__ == '__main__':
    main()
