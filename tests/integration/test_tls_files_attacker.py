"""docker_tls_files run as root into a directory a real unprivileged user controls (owner: that user),
after the user planted links: the module refuses, names the path, and the file the link points at
keeps its content, owner and mode. Nothing is mocked: a real account, real links, ansible-playbook."""

import grp
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import time
import uuid

import pytest

from engine_bed import ansible_playbook

USER = 'tprov-attacker'
BYSTANDER = 'tprov-bystander'
KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n'

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Install a client bundle as root, owned by the user
      tprov.docker.docker_tls_files:
        dest: "{dest}"
        owner: {user}{group}
        backup: true
        files:
          - {{name: key.pem, content: {key}, mode: "0600"}}
          - {{name: cert.pem, content: "certificate\\n", mode: "0644"}}
'''


@pytest.fixture(scope='module')
def attacker():
    if os.geteuid() != 0:
        pytest.fail('these tests run as root (they create a user and act as root on its files)')
    subprocess.run(['userdel', '-r', USER], capture_output=True, check=False)
    subprocess.run(['useradd', '--create-home', '--shell', '/usr/sbin/nologin', USER], check=True)
    entry = pwd.getpwnam(USER)
    # Debian 13's useradd makes homes 0700 (HOME_MODE); these cases model a home others can reach
    # (Debian 12's 0755), where a third user can plant files in a directory the owner opened.
    os.chmod(entry.pw_dir, 0o755)
    yield entry
    subprocess.run(['userdel', '-r', USER], capture_output=True, check=False)


@pytest.fixture(scope='module')
def bystander():
    """A third user (bob), neither root nor the owner, who could write into the owner's directory."""
    subprocess.run(['userdel', '-r', BYSTANDER], capture_output=True, check=False)
    subprocess.run(['useradd', '--create-home', '--shell', '/usr/sbin/nologin', BYSTANDER], check=True)
    yield pwd.getpwnam(BYSTANDER)
    subprocess.run(['userdel', '-r', BYSTANDER], capture_output=True, check=False)


@pytest.fixture
def home(attacker):
    """A fresh directory inside the user's home, owned by the user (the user's own ~/something)."""
    path = os.path.join(attacker.pw_dir, 'case-%s' % uuid.uuid4().hex[:8])
    os.mkdir(path, 0o755)
    os.chown(path, attacker.pw_uid, attacker.pw_gid)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def victim(tmp_path):
    """A root-owned file the user would love to own (stands for /etc/sudoers.d/x)."""
    os.mkdir(str(tmp_path / 'etc'), 0o755)
    path = str(tmp_path / 'etc' / 'victim')
    with open(path, 'w') as handle:
        handle.write('root only\n')
    os.chmod(path, 0o440)
    return path


def user_argv(user, *argv, **kwargs):
    groups = '--init-groups' if kwargs.get('init_groups') else '--clear-groups'
    return ['setpriv', '--reuid=%d' % user.pw_uid, '--regid=%d' % user.pw_gid, groups, '--'] + list(argv)


def as_user(attacker, *argv):
    """Run a command as the unprivileged user (the links are planted by the user, not by root)."""
    subprocess.run(user_argv(attacker, *argv), check=True)


def snapshot(path):
    st = os.lstat(path)
    content = open(path, 'rb').read() if stat.S_ISREG(st.st_mode) else sorted(os.listdir(path))
    return content, st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)


def run(tmp_path, dest, group=None, prefix=()):
    play = PLAY.format(dest=dest, user=USER, key=json.dumps(KEY), group='\n        group: %s' % group if group else '')
    return ansible_playbook(play, str(tmp_path), prefix=prefix)


def test_link_as_key_file_to_a_root_file_is_refused(tmp_path, attacker, home, victim):
    dest = os.path.join(home, '.docker')
    as_user(attacker, 'mkdir', '-m', '0700', dest)
    as_user(attacker, 'ln', '-s', victim, os.path.join(dest, 'key.pem'))
    before = snapshot(victim)
    rc, output, _recap = run(tmp_path, dest)
    assert rc != 0 and '%s/key.pem is a symbolic link; refusing' % dest in output, output[-2000:]
    assert snapshot(victim) == before
    assert os.path.islink(os.path.join(dest, 'key.pem'))


def test_dangling_link_is_not_created_through(tmp_path, attacker, home):
    dest = os.path.join(home, '.docker')
    as_user(attacker, 'mkdir', '-m', '0700', dest)
    target = str(tmp_path / 'sudoers.d-x')  # does not exist: following the link would create it
    as_user(attacker, 'ln', '-s', target, os.path.join(dest, 'cert.pem'))
    rc, output, _recap = run(tmp_path, dest)
    assert rc != 0 and '%s/cert.pem is a symbolic link; refusing' % dest in output, output[-2000:]
    assert not os.path.lexists(target)


def test_directory_itself_a_link_is_refused(tmp_path, attacker, home, victim):
    directory = os.path.dirname(victim)
    dest = os.path.join(home, '.docker')
    as_user(attacker, 'ln', '-s', directory, dest)
    before = snapshot(directory), snapshot(victim)
    rc, output, _recap = run(tmp_path, dest)
    assert rc != 0 and 'dest: %s is a symbolic link in %s, which a user other than root can write' % (
        dest, home) in output, output[-2000:]
    assert (snapshot(directory), snapshot(victim)) == before


def test_link_in_a_parent_the_user_controls_is_refused(tmp_path, attacker, home, victim):
    directory = os.path.dirname(victim)
    as_user(attacker, 'ln', '-s', directory, os.path.join(home, 'up'))
    dest = os.path.join(home, 'up', '.docker')
    before = snapshot(directory)
    rc, output, _recap = run(tmp_path, dest)
    assert rc != 0 and 'dest: %s/up is a symbolic link in %s' % (home, home) in output, output[-2000:]
    assert snapshot(directory) == before and not os.path.exists(os.path.join(directory, '.docker'))


def test_hard_link_to_a_root_file_is_refused(tmp_path, attacker, home):
    dest = os.path.join(home, '.docker')
    as_user(attacker, 'mkdir', '-m', '0700', dest)
    # A root file on the same file system, linked into the user's directory (root makes the link here:
    # fs.protected_hardlinks stops the user on this host, not on every host).
    target = os.path.join(attacker.pw_dir, '..', 'tprov-root-file-%s' % uuid.uuid4().hex[:6])
    with open(target, 'w') as handle:
        handle.write('root only\n')
    os.chmod(target, 0o600)
    try:
        os.link(target, os.path.join(dest, 'cert.pem'))
        with open(os.path.join(dest, 'key.pem'), 'w') as handle:
            handle.write(KEY)
        os.chown(os.path.join(dest, 'key.pem'), attacker.pw_uid, attacker.pw_gid)
        os.chmod(os.path.join(dest, 'key.pem'), 0o600)
        before = snapshot(target)
        rc, output, _recap = run(tmp_path, dest)
        assert rc != 0 and '%s/cert.pem has 2 hard links; refusing' % dest in output, output[-2000:]
        assert snapshot(target) == before
    finally:
        os.unlink(target)


def test_directory_owned_by_someone_else_is_refused(tmp_path, attacker, home):
    dest = os.path.join(home, '.docker')
    os.mkdir(dest, 0o755)
    nobody = pwd.getpwnam('nobody')
    os.chown(dest, nobody.pw_uid, nobody.pw_gid)
    rc, output, _recap = run(tmp_path, dest)
    assert rc != 0 and 'dest: %s is owned by uid %d' % (dest, nobody.pw_uid) in output, output[-2000:]
    assert os.listdir(dest) == [] and os.stat(dest).st_uid == nobody.pw_uid


def test_honest_directory_is_installed_and_kept(tmp_path, attacker, home):
    dest = os.path.join(home, '.docker')
    rc, output, recap = run(tmp_path, dest)
    assert rc == 0 and recap['changed'] == 1, output[-2000:]
    for name, mode in (('key.pem', 0o600), ('cert.pem', 0o644)):
        st = os.lstat(os.path.join(dest, name))
        assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (attacker.pw_uid, mode)
    assert os.stat(dest).st_uid == attacker.pw_uid and stat.S_IMODE(os.stat(dest).st_mode) == 0o700
    rc, output, recap = run(tmp_path, dest)
    assert rc == 0 and recap['changed'] == 0, output[-2000:]


def test_links_only_root_could_plant_are_followed(tmp_path):
    """A link in a directory only root can write (as /var/run -> /run) is followed, also as dest itself."""
    real = tmp_path / 'real'
    real.mkdir(mode=0o755)
    os.chmod(str(tmp_path), 0o755)
    os.symlink(str(real), str(tmp_path / 'link'))
    play = PLAY.format(dest=str(tmp_path / 'link' / 'tls'), user='root', key=json.dumps(KEY), group='')
    rc, output, recap = ansible_playbook(play, str(tmp_path))
    assert rc == 0 and recap['changed'] == 1, output[-2000:]
    assert os.path.isfile(str(real / 'tls' / 'key.pem'))
    play = PLAY.format(dest=str(tmp_path / 'link'), user='root', key=json.dumps(KEY), group='')
    rc, output, recap = ansible_playbook(play, str(tmp_path))
    assert rc == 0 and os.path.isfile(str(real / 'key.pem')), output[-2000:]


# A process of the third user: creates the file with the content root will want, keeps it open for
# writing, and writes more to it when told to (after the run).
KEEP_OPEN = """
import sys
handle = open(sys.argv[1], 'w')
handle.write('certificate\\n')
handle.flush()
print('ready', flush=True)
sys.stdin.readline()
handle.write('export DOCKER_HOST=tcp://evil\\n')
handle.flush()
print('written', flush=True)
"""


def test_third_users_file_with_the_right_content_is_replaced_not_handed_over(tmp_path, attacker, bystander, home):
    dest = os.path.join(home, '.docker')
    as_user(attacker, 'mkdir', '-m', '0777', dest)  # for a while, anyone could write into it
    path = os.path.join(dest, 'cert.pem')
    planter = subprocess.Popen(user_argv(bystander, '/usr/bin/python3', '-I', '-c', KEEP_OPEN, path),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert planter.stdout.readline().strip() == 'ready'
        planted = os.stat(path)
        as_user(attacker, 'chmod', '0700', dest)  # then the owner closed it; the planted file is still there
        rc, output, recap = run(tmp_path, dest, group=USER)
        assert rc == 0 and recap['changed'] == 1, output[-2000:]
        st = os.stat(path)
        assert st.st_ino != planted.st_ino  # a new file, not the planted one chowned to the owner
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (attacker.pw_uid, attacker.pw_gid, 0o644)
        planter.stdin.write('go\n')
        planter.stdin.flush()
        assert planter.stdout.readline().strip() == 'written'
        assert open(path).read() == 'certificate\n'  # what the third user wrote went nowhere the owner reads
    finally:
        planter.kill()
        planter.wait()
    rc, output, recap = run(tmp_path, dest, group=USER)
    assert rc == 0 and recap['changed'] == 0, output[-2000:]


@pytest.mark.parametrize('mode', [0o777, 0o1777, 0o775])
def test_dest_others_can_write_to_is_refused(tmp_path, attacker, bystander, home, mode):
    dest = os.path.join(home, '.docker')
    as_user(attacker, 'mkdir', dest)
    os.chmod(dest, mode)
    if mode == 0o775:  # group-writable, and the group has a member besides the owner
        group = 'tprov-shared-%s' % uuid.uuid4().hex[:6]
        subprocess.run(['groupadd', group], check=True)
        subprocess.run(['gpasswd', '-a', BYSTANDER, group], check=True, capture_output=True)
        os.chown(dest, -1, grp.getgrnam(group).gr_gid)
    try:
        subprocess.run(user_argv(bystander, 'sh', '-c', 'echo "{}" > %s/config.json' % dest, init_groups=True),
                       check=True)
        rc, output, _recap = run(tmp_path, dest)
        assert rc != 0 and 'dest: %s can be written by' % dest in output, output[-2000:]
        assert '`chmod go-w %s`' % dest in output, output[-2000:]
        assert sorted(os.listdir(dest)) == ['config.json'] and stat.S_IMODE(os.stat(dest).st_mode) == mode
    finally:
        if mode == 0o775:
            subprocess.run(['groupdel', group], check=False)


def test_group_writable_dest_of_the_owners_own_group_is_accepted(tmp_path, attacker, home):
    dest = os.path.join(home, '.docker')
    as_user(attacker, 'mkdir', '-m', '0770', dest)
    os.chmod(dest, 0o770)
    rc, output, recap = run(tmp_path, dest)
    assert rc == 0 and recap['changed'] == 1, output[-2000:]
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o700


def test_owner_holding_a_lock_on_dest_does_not_stall_the_run(tmp_path, attacker, home):
    dest = os.path.join(home, '.docker')
    as_user(attacker, 'mkdir', '-m', '0700', dest)
    holder = subprocess.Popen(user_argv(attacker, 'flock', '-x', dest, 'sleep', '1000'), start_new_session=True)
    try:
        time.sleep(0.5)
        assert holder.poll() is None
        started = time.monotonic()
        rc, output, recap = run(tmp_path, dest, prefix=('timeout', '90'))  # the old code waited for ever
        assert rc == 0 and recap['changed'] == 1, output[-2000:]
        assert time.monotonic() - started < 60
    finally:
        os.killpg(holder.pid, signal.SIGKILL)  # flock and its sleep
        holder.wait()
