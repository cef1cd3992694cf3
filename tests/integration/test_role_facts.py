"""The collection's playbooks gather no facts themselves: tprov.docker.common's tasks/facts.yml gathers the
ones the roles read, with a small gather_subset, and records them on the controller for later runs. A role that starts reading another fact must be caught
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


def test_every_fact_the_roles_read_is_gathered_by_the_one_facts_task(playbook, tmp_path):
    read = _facts_read()
    assert {'fqdn', 'os_family', 'python'} <= set(read), read  # what the scan must at least find
    task = _gather_task()
    # The task runs when any fact the roles read is missing: its condition names each of them.
    for fact in read:
        assert 'ansible_facts.%s is not defined' % fact in task['when'], (fact, read[fact])
    assert set(task['tprov.docker.docker_host_facts']) == {'dir', 'refresh'}
    # Each fact read is there when gathered (ansible-core's own setup, with the action's subset) and when taken
    # from the record the first run wrote: the task runs twice, in two plays, as in two runs.
    facts_dir = tmp_path / 'host-facts'
    play = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - tprov.docker.docker_host_facts:
        dir: %s
      register: got
    - ansible.builtin.debug:
        msg: "FACTS {{ {'recorded': got.recorded, 'keys': ansible_facts.keys() | list} | to_json }}"
''' % facts_dir
    seen = []
    for _run in range(2):
        rc, out, recap = playbook(play)
        assert rc == 0 and recap.get('failed') == 0, out
        seen.append(json.loads(re.search(r'FACTS (\{.*?\})"', out).group(1).replace('\\"', '"')))
    assert [run['recorded'] for run in seen] == [False, True], seen
    for run in seen:
        assert set(read) <= set(run['keys']), (sorted(set(read) - set(run['keys'])), run)
    # Small on purpose: not the min subset (users, SSH host keys, SELinux, lsb_release ...).
    assert 'ssh_host_key_ed25519_public' not in seen[0]['keys'] and 'env' not in seen[0]['keys'], seen[0]
    record = json.loads((facts_dir / 'localhost.json').read_text())
    assert set(read) <= set(record['facts']), record
    assert oct((facts_dir / 'localhost.json').stat().st_mode & 0o777) == '0o600'
    assert oct(facts_dir.stat().st_mode & 0o777) == '0o700'


def test_the_playbooks_leave_the_gathering_to_the_roles():
    for name in ('secure_docker.yml', 'rotate_ca.yml', 'rotate_certs.yml'):
        with open(os.path.join(REPO_ROOT, 'playbooks', name)) as handle:
            plays = yaml.safe_load(handle)
        for play in plays:
            if 'hosts' in play:
                assert play.get('gather_facts') is False and 'gather_subset' not in play, (name, play['name'])


def test_the_modules_own_facts_are_setups(playbook, tmp_path):
    """Where docker_host_facts gathers without setup (a well-known distro family), its facts are the ones setup
    gives on the same host: the FQDN, the distro family and the Python."""
    rc, out, recap = playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - tprov.docker.docker_host_facts:
        dir: %s
        refresh: true
      register: own
    - ansible.builtin.setup:
        gather_subset: ['!all', '!min', platform, distribution, python]
      register: setup
    - ansible.builtin.debug:
        msg: "BOTH {{ [own.ansible_facts, setup.ansible_facts] | to_json }}"
''' % (tmp_path / 'facts'))
    assert rc == 0 and recap.get('failed') == 0, out
    own, setup = json.loads(re.search(r'BOTH (\[.*?\])"', out).group(1).replace('\\"', '"'))
    assert 'ansible_distribution' not in own, 'setup ran: this controller\'s family should be known'
    for fact in ('ansible_fqdn', 'ansible_os_family'):
        assert own[fact] == setup[fact], fact
    assert own['ansible_python']['executable'] == setup['ansible_python']['executable']
    assert own['ansible_python']['version'] == setup['ansible_python']['version']


def test_a_family_from_the_host_never_leads_out_of_the_roles_vars(playbook, tmp_path):
    """setup copies an unknown os-release NAME into os_family, and root on the host writes os-release: a family
    with a path in it must not load a file elsewhere on the controller as the host's variables."""
    from ansible_collections.tprov.docker.plugins.plugin_utils import host_record
    evil = tmp_path / 'evil.yml'
    evil.write_text('docker_daemon_unit_path: /evil\n')
    facts_dir = tmp_path / 'facts'
    record = host_record.new_record({'fqdn': 'h', 'python': {'executable': '/usr/bin/python3'},
                                     'os_family': '../' * 12 + str(evil)[1:-len('.yml')]})
    host_record.save(host_record.record_path(str(facts_dir), 'localhost'), record)
    rc, out, recap = playbook('''
- hosts: localhost
  gather_facts: false
  tasks:
    - tprov.docker.docker_host_facts:
        dir: %s
    - ansible.builtin.include_role:
        name: tprov.docker.daemon
        tasks_from: family.yml
''' % facts_dir)
    # Looked for in the role's own vars/ only, and refused naming the family.
    assert rc != 0 and recap.get('failed') == 1, out[-3000:]
    assert "Could not find or access '%s/roles/daemon/vars/evil.yml'" % REPO_ROOT in out or 'roles/daemon/vars/evil.yml' in out
    assert 'has no vars file' in out and str(evil) not in out.split('Could not find or access')[1].split('\n')[0]
