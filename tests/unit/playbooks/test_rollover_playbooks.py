"""Every playbook that runs the pki role over docker_hosts carries out a CA rollover it may move on: during
one the role installs nothing (the rollover's plays install host by host), so a playbook without those
plays would re-issue on disk, restart nothing and report success."""

import os

import pytest
import yaml

PLAYBOOKS = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'playbooks')


def _runs_pki_role(play):
    roles = [role.get('role') if isinstance(role, dict) else role for role in play.get('roles') or []]
    roles += [task['ansible.builtin.import_role']['name'] for task in play.get('tasks') or []
              if 'ansible.builtin.import_role' in task]
    return 'tprov.docker.pki' in roles


@pytest.mark.parametrize('name', ['secure_docker.yml', 'rotate_ca.yml', 'rotate_certs.yml'])
def test_a_playbook_running_the_pki_role_imports_the_rollover_phases_after_it(name):
    with open(os.path.join(PLAYBOOKS, name)) as handle:
        plays = yaml.safe_load(handle)
    pki_plays = [index for index, play in enumerate(plays) if _runs_pki_role(play)]
    phases = [index for index, play in enumerate(plays)
              if play.get('ansible.builtin.import_playbook') == 'ca_rollover_phases.yml']
    assert pki_plays and phases and phases[-1] > pki_plays[-1], name
