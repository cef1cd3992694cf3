"""The collection's playbooks gather no facts themselves: tprov.docker.common's tasks/facts.yml gathers the
ones the roles read, with a small gather_subset. A role that starts reading another fact must be caught
here, not on the first host whose play gathered nothing: every fact the roles and playbooks read is one
that subset really returns (checked by running that very task), or one a role's own module sets."""

import json
import os
import re

import yaml

from tprov_testlib import REPO_ROOT

FACTS_TASKS = os.path.join(REPO_ROOT, 'roles', 'common', 'tasks', 'facts.yml')
# Facts a role's own task sets (ansible.builtin.getent in the daemon role's group.yml), not gathered ones.
SET_BY_THE_ROLES = re.compile(r'^getent_')
READ = re.compile(r"ansible_facts(?:\.([a-z_]+)|\[['\"]([a-z_]+)['\"]\])")


def _gather_task():
    with open(FACTS_TASKS) as handle:
        tasks = yaml.safe_load(handle)
    assert len(tasks) == 1
    return tasks[0]


def _facts_read():
    found = {}
    for top in ('roles', 'playbooks'):
        for folder, _dirs, files in os.walk(os.path.join(REPO_ROOT, top)):
            for name in files:
                if not name.endswith(('.yml', '.yaml')):
                    continue
                path = os.path.join(folder, name)
                with open(path) as handle:
                    for match in READ.finditer(handle.read()):
                        fact = match.group(1) or match.group(2)
                        if not SET_BY_THE_ROLES.match(fact):
                            found.setdefault(fact, os.path.relpath(path, REPO_ROOT))
    return found


def test_every_fact_the_roles_read_is_gathered_by_the_one_facts_task(playbook):
    read = _facts_read()
    assert {'fqdn', 'os_family', 'python'} <= set(read), read  # what the scan must at least find
    task = _gather_task()
    # The task runs when any fact the roles read is missing: its condition names each of them.
    for fact in read:
        assert 'ansible_facts.%s is not defined' % fact in task['when'], (fact, read[fact])
    # And its gather_subset really returns each one (ansible-core's own setup, run here).
    subset = task['ansible.builtin.setup']['gather_subset']
    rc, out, recap = playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.setup:
        gather_subset: %s
    - ansible.builtin.debug:
        msg: "FACTS {{ ansible_facts.keys() | list | to_json }}"
''' % json.dumps(subset))
    assert rc == 0 and recap.get('failed') == 0, out
    gathered = set(json.loads(re.search(r'FACTS (\[.*?\])"', out).group(1).replace('\\"', '"')))
    assert set(read) <= gathered, (sorted(set(read) - gathered), subset)
    # Small on purpose: not the min subset (users, SSH host keys, SELinux, lsb_release ...).
    assert 'ssh_host_key_ed25519_public' not in gathered and 'env' not in gathered, sorted(gathered)


def test_the_playbooks_leave_the_gathering_to_the_roles():
    for name in ('secure_docker.yml', 'rotate_ca.yml', 'rotate_certs.yml'):
        with open(os.path.join(REPO_ROOT, 'playbooks', name)) as handle:
            plays = yaml.safe_load(handle)
        for play in plays:
            if 'hosts' in play:
                assert play.get('gather_facts') is False and 'gather_subset' not in play, (name, play['name'])
