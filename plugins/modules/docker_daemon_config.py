#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_daemon_config
short_description: Make systemd start dockerd listening on TCP with mutual TLS (drop-in, unit or environment file)
version_added: 0.1.0
description:
  - Does on the host what Docker's documentation for protecting the daemon socket does by hand to
    C(docker.service) - adds C(-H tcp://ADDRESS:2376 --tlsverify --tlscacert --tlscert --tlskey) to the daemon's
    command line - in one of three ways, and keeps every flag the vendor's unit already passes (C(-H fd://), C(--containerd=...), C($DOCKER_OPTS)).
  - Finds the unit from what systemd reports (C(systemctl show docker -p FragmentPath)), not from a guess.
  - Builds on the I(effective) command line - the unit's C(ExecStart) and then every drop-in of O(dropin_dirs)
    in systemd's order - so a flag another drop-in sets (C(--data-root=/srv/docker), C(--iptables=false)) is
    kept. A command line with no C(-H) keeps a local listener when the TCP one is added (C(fd://) for a
    socket-activated unit, else C(unix:///var/run/docker.sock)).
  - Reports the certificate the daemon serves on its TLS port (RV(served_certificate)), so the role restarts a
    daemon still serving a certificate that is no longer the one on disk.
  - Refuses, before writing anything, a C(daemon.json) that also sets C(hosts) or TLS keys (dockerd would not
    start with both), unless O(daemon_json_conflicts=move).
  - Writes files atomically and copies what it replaces to O(backup_dir); RV(backups) lists them, and
    O(state=restored) with those backups puts the previous configuration back (the daemon role's rollback).
  - O(state=present) does not restart the daemon; O(state=restarted) does, in a later task, once the role has
    decided to (the role then checks it over TLS from the controller).
  - Needs only Python's standard library on the host.
attributes:
  check_mode:
    support: full
    description: Reports what would be written; writes nothing.
  diff_mode:
    support: full
    description: Shows the unit, drop-in, environment file and daemon.json before and after (they hold no secrets).
options:
  state:
    description:
      - V(present) writes the configuration. V(restored) puts back the files listed in O(restore).
      - V(applied) records that the daemon was just restarted or reloaded on O(daemon_json_path) as it is now;
        a copy goes to O(daemon_json_applied_path), by which later runs judge the keys the daemon does not
        report (a run interrupted before its restart is finished by the next one).
      - V(restarted) restarts C(docker.service) through systemd on the configuration V(present) wrote (clearing
        systemd's start-rate counter first and reloading its units), or reloads it (SIGHUP) with O(reload_only).
        It then waits until the daemon answers on its unix socket (failing with C(error_kind=daemon_not_answering)
        after O(wait_timeout) seconds), reads it as V(present) in check mode does (RV(served_certificate),
        RV(daemon_options_pending)), and records what it runs as V(applied) does when no key is pending. In check
        mode nothing is restarted. The options of V(present) must be the same (the daemon role passes them with
        C(module_defaults)).
    type: str
    choices: [present, restored, applied, restarted]
    default: present
  mode:
    description:
      - V(dropin) (default) writes O(dropin_path) with C(ExecStart=) cleared and the new command line; package
        upgrades leave it alone.
      - V(unit) edits the vendor unit in place, keeping the original beside it
        (C(.tprov-orig)); a package upgrade overwrites the edit, so the module warns. When the unit is no
        longer the saved original with our C(ExecStart) (a package upgrade replaced it), the saved copy is
        stale, so the current unit becomes the original and the edit is rebuilt from it. When our C(ExecStart) is
        still there but other lines changed (an admin added C(LimitNOFILE=)), those lines go into C(.tprov-orig)
        with the vendor's C(ExecStart); only C(.tprov-orig) is written, and RV(daemon_changed) stays false.
      - V(envfile) sets O(envfile_variable) in O(envfile_path), for units that read it (Debian's docker.io does);
        the words it already has (C(--dns), C(--data-root)) are kept, only TCP hosts and TLS flags are replaced.
        The file is read and written as systemd reads it (quotes, backslashes, continued lines), so each word
        reaches dockerd unchanged. What systemd would read otherwise than it looks is refused, naming the file
        and the fix, before anything is written; that is an C(export) before the variable (systemd skips that
        line), a carriage return inside a line, and a quote that closes only on a later line.
    type: str
    choices: [dropin, unit, envfile]
    default: dropin
  unit_path:
    description: The vendor unit. Default is what systemd reports for C(docker.service).
    type: path
  unit_path_fallback:
    description:
      - The unit to use when systemd cannot report one (the distro's usual path, from the daemon role's
        C(vars/<os_family>.yml)). What systemd reports always takes precedence.
    type: path
  dropin_path:
    description: The drop-in written with O(mode=dropin) (and removed in the other modes).
    type: path
    default: /etc/systemd/system/docker.service.d/tprov-docker.conf
  dropin_dirs:
    description:
      - The directories systemd reads C(docker.service)'s drop-ins from, highest precedence first (a file in an
        earlier one masks a file of the same name in a later one); files apply in file-name order.
      - The other drop-ins' C(ExecStart) and flags are the base of the new command line. A drop-in that sets
        C(ExecStart) and sorts after O(dropin_path) (or any, with O(mode=unit)) would replace ours, and is refused.
      - Default is systemd's list for a system unit.
    type: list
    elements: path
    default: [/etc/systemd/system/docker.service.d, /run/systemd/system/docker.service.d,
              /usr/local/lib/systemd/system/docker.service.d, /usr/lib/systemd/system/docker.service.d,
              /lib/systemd/system/docker.service.d]
  envfile_path:
    description: The environment file with O(mode=envfile) (C(/etc/default/docker) on Debian, C(/etc/sysconfig/docker) on Red Hat).
    type: path
    default: /etc/default/docker
  envfile_variable:
    description: The variable the unit passes to dockerd (V(DOCKER_OPTS) on Debian, V(OPTIONS) on Red Hat).
    type: str
    default: DOCKER_OPTS
  daemon_json_path:
    description: The daemon's configuration file.
    type: path
    default: /etc/docker/daemon.json
  daemon_json_applied_path:
    description:
      - The copy of O(daemon_json_path) the daemon was last restarted or reloaded on (O(state=applied) writes it,
        mode 0600). Without it, only this run's changes decide for the keys C(GET /info) does not report.
    type: path
    default: /var/lib/tprov-docker/daemon.json.applied
  daemon_json_conflicts:
    description:
      - What to do when O(daemon_json_path) sets C(hosts), C(tls), C(tlsverify), C(tlscacert), C(tlscert) or C(tlskey).
      - V(fail) stops before anything is written and names the file and keys.
      - V(move) removes those keys from the file; non-TCP C(hosts) entries (a unix socket) become flags.
    type: str
    choices: [fail, move]
    default: fail
  daemon_options:
    description:
      - Keys to set in O(daemon_json_path), for example C(live-restore) V(true) and C(icc) V(false). They win over
        what the file has; keys the file has and this does not name are kept. A key set to V(null) is not managed.
      - C(hosts) and the TLS keys are refused (this module passes them as flags; dockerd will not start with both).
      - The file is validated with C(dockerd --validate) where dockerd has it (Docker 23 and later).
      - Whether the daemon must restart, or a reload (SIGHUP) is enough, is judged by what the running daemon
        reports (C(GET /info) on its socket) for the keys it reports, and by this run's changes for the others;
        see RV(daemon_changed) and RV(daemon_reload).
    type: dict
  daemon_default_options:
    description:
      - Keys to set in O(daemon_json_path) only where the file does not set them already (the daemon role's
        hardened defaults). A key the file sets to another value is kept, with a warning naming it.
      - A key that O(daemon_options) sets to V(null) is not applied from here.
    type: dict
  tcp_hosts:
    description: The TCP addresses to listen on, e.g. V(tcp://0.0.0.0:2376).
    type: list
    elements: str
    default: []
  tls_verify:
    description: Require client certificates signed by O(tls_ca_cert) (C(--tlsverify)).
    type: bool
    default: true
  tls_ca_cert:
    description: The CA certificate that signs client certificates.
    type: path
    default: /etc/docker/tls/ca.pem
  tls_cert:
    description: The daemon's certificate.
    type: path
    default: /etc/docker/tls/server-cert.pem
  tls_key:
    description: The daemon's private key (its path only; the module never reads it).
    type: path
    default: /etc/docker/tls/server-key.pem
  allow_plaintext_tcp:
    description:
      - Allow O(tcp_hosts) without O(tls_verify). Off, because plaintext TCP gives root on the host to anyone who
        can reach the port; even when on, only loopback addresses are accepted.
    type: bool
    default: false
  backup_dir:
    description:
      - Where the files replaced are copied (mode 0700), for O(state=restored).
      - Each backup is named after the file's path, C(/) replaced by C(_), with the time and C(.tprov-backup)
        (C(etc_docker_daemon.json.20261130T120000.tprov-backup)), created 0600 or narrower before a byte is written.
    type: path
    default: /var/lib/tprov-docker/backup
  adopt_dropin_flags:
    description:
      - Once our drop-in (or our edit of the unit) is in place, the flags other than the TCP and TLS ones
        (those of the unit and of other drop-ins, C(--data-root), C(--iptables)) are the ones the daemon runs
        with. When the command line built now has other ones - a drop-in that never applied while ours
        replaced C(ExecStart), a changed vendor unit - the module fails with C(error_kind=dropin_flags_differ),
        naming the flags added and removed.
      - V(true) builds on them anyway (the daemon restarts with them).
      - The first run, with nothing of ours yet, always keeps the other drop-ins' flags.
    type: bool
    default: false
  tls_files:
    description:
      - The CA certificate, the daemon's certificate and its key to install before the configuration is decided,
        in the same run - what M(tprov.docker.docker_tls_files) does with
        O(tprov.docker.docker_tls_files#module:backup=true), with the same options and the same care (no link
        followed, owner and mode set before content, a key never readable by group or others, a diff of digests).
        The daemon role passes the files the pki role issued, so a host's certificates and configuration cost one
        module run.
      - The files go in after every check of the configuration passed, and are put back when writing the
        configuration then fails.
      - RV(tls_changed) says whether the daemon must restart to load them; RV(tls_restore) how to undo them.
    type: dict
    suboptions:
      dest:
        description: The directory the files go into (the one O(tls_ca_cert), O(tls_cert) and O(tls_key) name).
        type: path
        required: true
      files:
        description: The files to install.
        type: list
        elements: dict
        required: true
        suboptions:
          name:
            description: The file name inside O(tls_files.dest) (no C(/)).
            type: str
            required: true
          src:
            description:
              - A file on the controller whose content is installed (read by the action plugin; a relative
                path is looked up like M(ansible.builtin.copy)'s O(ansible.builtin.copy#module:src)).
              - Exactly one of O(tls_files.files[].src) and O(tls_files.files[].content).
            type: path
          content:
            description: The content to install (never shown). Exactly one of O(tls_files.files[].src) and O(tls_files.files[].content).
            type: str
          mode:
            description: The file's mode, as an octal string (V('0444')). A private key must be V('0600') or V('0400').
            type: raw
            default: '0600'
      dir_mode:
        description: The mode of O(tls_files.dest).
        type: raw
        default: '0700'
      owner:
        description: Owner (name or uid) of O(tls_files.dest) and every file; unchanged when not set.
        type: str
      group:
        description: Group (name or gid) of O(tls_files.dest) and every file; unchanged when not set.
        type: str
  prune_tls_backups:
    description:
      - Delete the certificate backups (C(NAME.STAMP.tprov-backup)) left in the certificates' directory
        (O(tls_files.dest), else the directory of O(tls_cert)) when they are not needed any more - the daemon is
        found serving O(tls_cert) on disk (C(matches) in RV(served_certificate)), or O(tls_verify) is off, no
        certificate changed in this run and none is unproven (RV(tls_unproven)). They hold old keys, which should
        not linger on the host.
      - When the daemon must restart first, they are kept (RV(tls_backups)), for the rollback; the daemon role
        deletes them once the restarted daemon is proven to serve the new certificate.
    type: bool
    default: false
  reload_only:
    description: With O(state=restarted), reload the daemon (SIGHUP) instead of restarting it (RV(daemon_reload)).
    type: bool
    default: false
  reload_first:
    description:
      - With O(state=restarted), reload the daemon before restarting it and wait until it runs with C(live-restore),
        so that the running containers live through the restart (RV(reload_before_restart)).
    type: bool
    default: false
  wait_timeout:
    description: With O(state=restarted), how many seconds the daemon has to answer on its unix socket.
    type: int
    default: 60
  restore:
    description:
      - With O(state=restored), the RV(backups) of an earlier run (and C(copy) results' C(backup_file) the same
        way) - each path is put back from its backup, or removed when it had none (it was new).
    type: list
    elements: dict
    default: []
  host_identity:
    description:
      - With O(state=present), what this host was when its facts were recorded (RV(host_identity) of an earlier
        run, keys C(fqdn), C(python), C(os_release_id), C(os_release_version_id); a key left out is not compared).
        When the host differs, the module fails with C(error_kind=host_changed) before it reads or writes
        anything.
      - Usually left out; the action sets it from the record in O(host_facts_dir).
    type: dict
  host_facts_dir:
    description:
      - On the controller, the directory of the host facts records tprov.docker.docker_host_facts keeps
        (the daemon role passes C(docker_host_facts_dir)). The action reads this host's record there and checks
        its identity (O(host_identity)); after a run that succeeded it records the RV(host_identity) the
        host reported, when that is new. A host without a record is not checked.
      - Read and written on the controller only, as the controller's user.
    type: path
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: Listen on 2376 with mutual TLS, through a drop-in
  tprov.docker.docker_daemon_config:
    tcp_hosts: ["tcp://0.0.0.0:2376"]
  register: docker_config

- name: Put the previous configuration back (after a failed restart)
  tprov.docker.docker_daemon_config:
    state: restored
    restore: "{{ docker_config.backups }}"
'''

RETURN = r'''
exec_start:
  description: The daemon's command line after the change (each word).
  returned: state is present or restarted
  type: list
  elements: str
  sample: ["/usr/sbin/dockerd", "--host=fd://", "--containerd=/run/containerd/containerd.sock", "$DOCKER_OPTS",
           "--host=tcp://0.0.0.0:2376", "--tlsverify", "--tlscacert=/etc/docker/tls/ca.pem"]
unit_path:
  description: The vendor unit systemd reports (or O(unit_path)).
  returned: state is present or restarted
  type: str
  sample: /lib/systemd/system/docker.service
changed_files:
  description: The files written or removed.
  returned: always
  type: list
  elements: str
backups:
  description: For each file written or removed, C(path) and C(backup) (null when the file was new).
  returned: always
  type: list
  elements: dict
  sample: [{"path": "/etc/systemd/system/docker.service.d/tprov-docker.conf", "backup": null}]
validated:
  description: What was validated before a restart (C(dockerd --validate) exists from Docker 23).
  returned: state is present or restarted
  type: str
  sample: dockerd --validate is not available (Docker 20.10); the restart and the TLS check verify instead
dropins:
  description: The other drop-ins the command line was built on, in the order systemd applies them.
  returned: state is present or restarted
  type: list
  elements: str
  sample: [/etc/systemd/system/docker.service.d/override.conf]
served_certificate:
  description:
    - The certificate the daemon serves on the first of O(tcp_hosts), seen from the host (no client
      certificate is offered; only its fingerprint is compared), against O(tls_cert) on disk.
    - C(address), C(fingerprint_sha256) (null when nothing answers with TLS there), C(file_fingerprint_sha256),
      C(matches) (the daemon serves the file's certificate), C(stale) (it serves another one, so it must be
      restarted to load the file's) and C(unknown) (something listens there but its certificate could not be
      read, e.g. a server limited to TLS 1.2; neither C(matches) nor C(stale), with a warning).
  returned: state is present or restarted, and O(tls_verify) with O(tcp_hosts)
  type: dict
  sample: {"address": "127.0.0.1:2376", "fingerprint_sha256": "AB:CD:...", "file_fingerprint_sha256": "AB:CD:...",
           "matches": true, "stale": false, "unknown": false}
daemon_changed:
  description:
    - Whether the daemon must be restarted to run the declared configuration. That is when the unit, a drop-in or
      the environment file changed, or a daemon.json key that dockerd reads only at start changed or is served
      otherwise (RV(daemon_options_pending)). C(changed) also counts the saved C(.tprov-orig).
  returned: state is present or restarted
  type: bool
  sample: true
daemon_reload:
  description:
    - Whether a reload (C(systemctl reload docker), SIGHUP) is enough, because only keys dockerd applies on SIGHUP
      (C(debug), C(labels), C(live-restore), C(max-concurrent-downloads), registry mirrors, ...) differ.
      Never true together with RV(daemon_changed).
  returned: state is present or restarted
  type: bool
  sample: false
reload_before_restart:
  description:
    - Whether C(live-restore) is being switched on. A reload before any restart in this run then keeps the running
      containers through that restart.
  returned: state is present or restarted
  type: bool
  sample: false
daemon_options:
  description: Every daemon.json key managed by O(daemon_options) and O(daemon_default_options), with its value.
  returned: state is present or restarted
  type: dict
  sample: {"live-restore": true, "icc": false}
daemon_options_kept:
  description: Keys of O(daemon_default_options) not applied because the file already sets them otherwise.
  returned: state is present or restarted
  type: list
  elements: str
  sample: ["log-driver"]
daemon_options_pending:
  description:
    - Managed keys the running daemon reports with another value than declared (C(GET /info)), e.g. written
      by an earlier run that was not followed by a restart. Empty after a successful restart or reload.
  returned: state is present or restarted
  type: list
  elements: str
  sample: ["live-restore"]
daemon_json_keys_changed:
  description: The daemon.json keys this run changes that the running daemon does not already serve.
  returned: state is present or restarted
  type: list
  elements: str
  sample: ["icc"]
daemon_answered:
  description: Whether the daemon answered C(GET /info) on its unix socket (else only file changes decide).
  returned: state is present or restarted
  type: bool
  sample: true
tls_files:
  description:
    - What O(tls_files) installed, as M(tprov.docker.docker_tls_files) returns it - C(changed), C(dir_changed),
      C(files) (per file C(name), C(path), C(mode), C(changed), C(content_changed)) and C(backups).
  returned: state is present and O(tls_files) is given
  type: dict
  sample: {"changed": false, "dir_changed": false, "backups": [], "files": [{"name": "ca.pem", "path": "/etc/docker/tls/ca.pem",
           "mode": "0444", "changed": false, "content_changed": false}]}
tls_changed:
  description: Whether O(tls_files) changed a file's content in this run, so that the daemon must restart to load it.
  returned: state is present or restarted
  type: bool
  sample: false
tls_unproven:
  description:
    - The certificate files an earlier run installed (their backups are left) that the daemon is not proven to run -
      the CA certificate always (nothing shows which CA the daemon loaded), the certificate and key when the daemon
      serves another certificate. The daemon must restart to load them (C(--tags pki), or a run interrupted before
      its restart); the daemon role does.
  returned: state is present or restarted
  type: list
  elements: str
  sample: ["/etc/docker/tls/ca.pem"]
tls_restore:
  description:
    - How to put the certificates back (entries for O(restore)) should the daemon not come back on them - for each
      of the three files its oldest backup (the content the daemon last started with, since backups are deleted once a
      restart proved the files), this run's or an earlier run's, and a file this run made is removed. Empty when
      there is nothing to undo.
  returned: state is present or restarted
  type: list
  elements: dict
  sample: [{"path": "/etc/docker/tls/server-cert.pem", "backup": "/etc/docker/tls/server-cert.pem.20261130T120000.tprov-backup"}]
tls_backups:
  description:
    - The backups of O(tls_ca_cert), O(tls_cert) and O(tls_key) left in the certificates' directory after this run.
      Only root-owned regular files in a root-owned directory no one else may write count; such a directory is
      required with O(tls_files), and without it O(prune_tls_backups) warns and deletes nothing.
  returned: state is present or restarted
  type: list
  elements: str
  sample: ["/etc/docker/tls/server-key.pem.20261130T120000.tprov-backup"]
tls_backups_removed:
  description: The certificate backups O(prune_tls_backups) deleted (in check mode, would delete).
  returned: state is present or restarted
  type: list
  elements: str
  sample: []
restarted:
  description: With O(state=restarted), whether the daemon was restarted.
  returned: state is restarted
  type: bool
  sample: true
reloaded:
  description: With O(state=restarted), whether the daemon was reloaded (SIGHUP).
  returned: state is restarted
  type: bool
  sample: false
applied_recorded:
  description: With O(state=restarted), whether the daemon.json it now runs was recorded anew in O(daemon_json_applied_path).
  returned: state is restarted
  type: bool
  sample: true
restored:
  description: With O(state=restored), the paths put back from their backups (or removed, when they were new).
  returned: state is restored
  type: list
  elements: str
not_restored:
  description:
    - With O(state=restored), each entry that could not be put back, with C(path), C(backup) and C(error). The
      module then fails with C(error_kind=restore_incomplete) after trying every other entry.
  returned: state is restored
  type: list
  elements: dict
host_identity:
  description:
    - What this host is, as its recorded facts assume it - C(fqdn) (C(socket.getfqdn()), as the platform facts),
      C(python) (the interpreter this module ran with, symlinks resolved), C(os_release_id) and C(os_release_version_id) (ID and
      VERSION_ID of its os-release). Also returned with C(error_kind=host_changed).
  returned: state is present
  type: dict
  sample: {fqdn: docker1.example.com, python: /usr/bin/python3, os_release_id: debian, os_release_version_id: "12"}
error_kind:
  description:
    - On failure, a stable code for what went wrong, for roles to react to (the message may be reworded).
    - V(invalid_configuration), V(daemon_json_conflict), V(dropin_overrides), V(dropin_flags_differ),
      V(certificates_missing), V(invalid_option) (O(tls_files) cannot be installed as given), V(write_failed),
      V(restore_incomplete), V(restart_failed) (systemctl failed), V(daemon_not_answering), V(host_changed) (the
      host is not what O(host_identity) says; nothing was written).
  returned: failure
  type: str
  sample: restore_incomplete
'''

from ansible_collections.tprov.docker.plugins.module_utils import daemon_setup, tls_files
from ansible_collections.tprov.docker.plugins.module_utils.daemon_config import SYSTEMD_DROPIN_DIRS
from ansible_collections.tprov.docker.plugins.module_utils.redaction import redact_mapping
from ansible_collections.tprov.docker.plugins.module_utils.safe_module import SafeModule


def main():
    module = SafeModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'restored', 'applied', 'restarted']),
            mode=dict(type='str', default='dropin', choices=['dropin', 'unit', 'envfile']),
            unit_path=dict(type='path'),
            unit_path_fallback=dict(type='path'),
            dropin_path=dict(type='path', default='/etc/systemd/system/docker.service.d/tprov-docker.conf'),
            dropin_dirs=dict(type='list', elements='path', default=list(SYSTEMD_DROPIN_DIRS)),
            envfile_path=dict(type='path', default='/etc/default/docker'),
            envfile_variable=dict(type='str', default='DOCKER_OPTS'),
            daemon_json_path=dict(type='path', default='/etc/docker/daemon.json'),
            daemon_json_conflicts=dict(type='str', default='fail', choices=['fail', 'move']),
            daemon_json_applied_path=dict(type='path', default='/var/lib/tprov-docker/daemon.json.applied'),
            daemon_options=dict(type='dict'),
            daemon_default_options=dict(type='dict'),
            tcp_hosts=dict(type='list', elements='str', default=[]),
            tls_verify=dict(type='bool', default=True),
            tls_ca_cert=dict(type='path', default='/etc/docker/tls/ca.pem'),
            tls_cert=dict(type='path', default='/etc/docker/tls/server-cert.pem'),
            tls_key=dict(type='path', default='/etc/docker/tls/server-key.pem', no_log=False),
            allow_plaintext_tcp=dict(type='bool', default=False),
            backup_dir=dict(type='path', default='/var/lib/tprov-docker/backup'),
            restore=dict(type='list', elements='dict', default=[]),
            adopt_dropin_flags=dict(type='bool', default=False),
            tls_files=dict(type='dict', options=tls_files.file_set_spec()),
            prune_tls_backups=dict(type='bool', default=False),
            reload_only=dict(type='bool', default=False),
            reload_first=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=60),
            host_identity=dict(type='dict'),
            host_facts_dir=dict(type='path'),
        ),
        supports_check_mode=True,
        # daemon.json keys may carry a proxy's user:password@: masked in the log line and invocation.
        hidden_values=dict(daemon_options=redact_mapping, daemon_default_options=redact_mapping),
    )
    module.exit_json(**daemon_setup.run(module))


if __name__ == '__main__':
    main()
