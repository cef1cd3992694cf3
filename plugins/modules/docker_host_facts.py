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
    packages), C(distribution), C(distribution_major_version) and C(python) - as M(ansible.builtin.setup) does.
  - The first time, and with O(refresh), they are gathered on the host (M(ansible.builtin.setup) with the subsets
    C(platform), C(distribution) and C(python) only) and recorded in O(dir) on the controller, one file per
    inventory host. Later runs take them from that record, with no module run on the host.
  - A record can go stale (the host renamed or reinstalled). M(tprov.docker.docker_daemon_config), given the same
    directory, checks the host against the record before it writes anything and fails with
    C(error_kind=host_changed) when it differs; the daemon role then runs this module with O(refresh) and plans
    the run again. Other uses of the facts should do the same, or set O(refresh).
  - The record holds no secret, but it decides the server certificate's names and the daemon's paths. It is written
    as the controller's user, mode 0600 in a 0700 directory, by an atomic rename. A record that is a symlink, or
    that another user owns or could have written (it or its directory writable by group or others), is refused
    with a message; one that is not a whole record of this release is gathered again.
  - An action plugin; it runs on the controller (the gathering, when needed, on the host).
attributes:
  check_mode:
    support: full
    description: Gathers and records as in a normal run; the host is only read.
  diff_mode:
    support: none
    description: Nothing on the host changes.
  facts:
    support: full
    description: Sets the facts listed above (more when they are gathered).
options:
  dir:
    description:
      - The directory of the records on the controller (the roles use C(docker_host_facts_dir), by default
        C(docker_pki_dir/host-facts)). Made, mode 0700, when missing.
    type: path
    required: true
  refresh:
    description: Gather the facts on the host and record them again, whatever the record holds.
    type: bool
    default: false
notes:
  - The record of a host is C(DIR/INVENTORY_HOSTNAME.json); the inventory name must be usable as a file name, as
    for M(tprov.docker.docker_tls_pki).
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
  returned: success
  type: bool
  sample: true
record:
  description: The record's path on the controller.
  returned: success
  type: str
  sample: /srv/inventory/pki/host-facts/docker1.json
ansible_facts:
  description: The facts, named as M(ansible.builtin.setup) names them; all that setup returned when gathered.
  returned: success
  type: dict
  sample: {ansible_fqdn: docker1.example.com, ansible_os_family: Debian}
'''
