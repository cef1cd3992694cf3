#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_role_arguments
short_description: Check the variables of several of this collection's roles in one task
version_added: 0.2.0
description:
  - Checks the variables of the given roles of tprov.docker against the argument specs of their entry point
    (each role's C(meta/argument_specs.yml)), as each role's own check does when it starts, but for all of them in one
    task, with the same rules and messages as M(ansible.builtin.validate_argument_spec).
  - A play that imports several of the roles with C(rolespec_validate=false) and runs this task first pays one task
    per host for the check instead of one per role and host. C(tprov.docker.secure_docker) does so. The roles check
    their variables themselves when they run otherwise.
  - A variable several of the roles declare (one role reads what another sets, and each documents it) must be
    declared the same way by each, descriptions aside; otherwise the task fails and names it.
  - Runs on the controller only (an action plugin); nothing runs on the host.
attributes:
  check_mode:
    support: full
    description: Reads variables only.
  diff_mode:
    support: none
    description: Nothing changes.
options:
  roles:
    description: The roles whose variables are checked, by name (V(pki)) or FQCN (V(tprov.docker.pki)).
    type: list
    elements: str
    required: true
  entry_point:
    description: The entry point of each role whose argument spec applies.
    type: str
    default: main
notes:
  - The variables are the task's variables (inventory, play, role defaults of the roles imported into the play), as
    for a role's own check; the roles' C(tprov.docker.common) dependency still checks its own variables.
seealso:
  - module: ansible.builtin.validate_argument_spec
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Check the variables of the pki and daemon roles
  tprov.docker.docker_role_arguments:
    roles: [pki, daemon]

- name: Issue the certificates (checked above)
  ansible.builtin.import_role:
    name: tprov.docker.pki
    rolespec_validate: false
'''

RETURN = r'''
argument_errors:
  description: What is wrong with the variables, one sentence per variable.
  returned: failure
  type: list
  elements: str
  sample: ["argument 'docker_daemon_tls_port' is of type str and we were unable to convert to int"]
validate_args_context:
  description: The roles and entry point checked.
  returned: always
  type: dict
  sample: {type: role, name: "tprov.docker.pki, tprov.docker.daemon", argument_spec_name: main}
'''
