# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_daemon_config's backend: read the unit, drop-ins, environment file and daemon.json, decide
the daemon's command line (daemon_config, pure), and write the files in one file_transaction.Transaction
(backed up into backup_dir, put back when a write fails); or restore earlier backups (state restored).

Takes the module object for what only it can do (run_command, get_bin_path, warn, tmpdir); errors are
DaemonConfigError with a kind, or OSError, which :func:`run` turns into fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client
import json
import os
import socket
import time

from ansible_collections.tprov.docker.plugins.module_utils import daemon_config as dc
from ansible_collections.tprov.docker.plugins.module_utils import host_identity, tls_files, tls_probe
from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import (
    RollbackIncomplete, Transaction, oldest_backups, original_path as saved_original_path, read_text, restore_files,
    write_atomic)
from ansible_collections.tprov.docker.plugins.module_utils.redaction import redact_credentials, redact_mapping


def run(module):
    """The module's result for module.params; failures go to fail_json with an error_kind."""
    try:
        if module.params['state'] == 'restored':
            return restore(module, module.params['restore'])
        if module.params['state'] == 'applied':
            return record_applied(module, module.params)
        if module.params['state'] == 'restarted':
            return restart(module, module.params)
        identity = host_identity.current_identity()
        stale = host_identity.differences(module.params['host_identity'], identity)
        if stale:
            # Before anything is read or written: the paths and certificate names of this run were planned
            # with facts the host no longer has.
            module.fail_json(
                msg='This host is not the one its recorded facts describe (%s). Nothing was written. The daemon '
                    'role gathers the facts again and re-issues the certificate; run alone, gather facts and run '
                    'again.' % '; '.join(stale), error_kind='host_changed', host_identity=identity)
        result = configure(module, module.params)
        result['host_identity'] = identity
        return result
    except dc.DaemonConfigError as exc:
        module.fail_json(msg=str(exc), error_kind=exc.kind)
    except RollbackIncomplete as exc:
        module.fail_json(
            msg='Writing the daemon configuration failed (%s), nothing was restarted, and putting back '
                'what was already written failed: ROLLBACK INCOMPLETE: not restored: %s. Restored: %s.' % (
                    exc.cause, '; '.join('%s (%s)' % (e['path'], e['error']) for e in exc.not_restored),
                    ', '.join(exc.restored) or 'nothing'),
            error_kind='restore_incomplete', changed=True, restored=exc.restored, not_restored=exc.not_restored)
    except tls_files.FilesError as exc:
        module.fail_json(msg='Nothing was written or restarted: %s' % exc, error_kind='invalid_option')
    except OSError as exc:
        module.fail_json(msg='Writing the daemon configuration failed, nothing was restarted: %s' % exc,
                         error_kind='write_failed')


def read_dropins(dirs, own_path):
    """(path, text) of every other drop-in systemd would apply, in its order."""
    dropins = []
    for path in dc.systemd_dropins(dirs, exclude=own_path):
        text = read_text(path)
        if text is not None:
            dropins.append((path, text))
    return dropins


def carries_our_flags(unit_text):
    try:
        return dc.carries_tls_flags(dc.unit_exec_start(unit_text))
    except dc.DaemonConfigError:
        return False


def check_managed_flags(params, managed_argv, managed_path, new_argv, source):
    """Refuse to change, unasked, the flags the daemon runs with (all but our host and TLS ones).

    Our drop-in sorts last and replaces ExecStart, so another drop-in written after it never applied:
    building on it now would start dockerd with flags it never ran with (a --data-root pointing at
    an empty directory). On the first run there is nothing of ours yet, and the others' flags are the
    ones the daemon runs with: they are kept."""
    if not managed_argv or params['adopt_dropin_flags']:
        return
    old, new = dc.foreign_flags(managed_argv), dc.foreign_flags(new_argv)
    if old == new:
        return
    added = [w for w in new if w not in old]
    removed = [w for w in old if w not in new]
    raise dc.DaemonConfigError(
        'The daemon runs with the command line of %s, and the one built now from %s differs in flags other '
        'than the TCP and TLS ones (added: %s; removed: %s%s). Those flags never applied while %s was in '
        'place; restarting onto them could change the data root or the network. Remove them from %s, or '
        'set adopt_dropin_flags: true (role: docker_daemon_adopt_dropin_flags: true) to run with them.'
        % (managed_path, source, ' '.join(added) or 'none', ' '.join(removed) or 'none',
           '' if added or removed else '; in another order', managed_path, source), kind='dropin_flags_differ')


def systemd_unit_path(module):
    systemctl = module.get_bin_path('systemctl')
    if not systemctl:
        raise dc.DaemonConfigError('systemctl is not on this host: the daemon role supports systemd hosts only.')
    rc, out, err = module.run_command([systemctl, 'show', 'docker.service', '-p', 'FragmentPath', '--value'])
    path = out.strip()
    if rc != 0 or not path:
        raise dc.DaemonConfigError('systemd knows no docker.service here (%s); install the engine first '
                                   '(docker_daemon_install: true installs the distro package).' % (err.strip() or 'no unit file'))
    return path


def validate_daemon_json(module, text):
    dockerd = module.get_bin_path('dockerd')
    if not dockerd:
        return 'dockerd is not on PATH; not validated'
    rc, out, err = module.run_command([dockerd, '--help'])
    if '--validate' not in out + err:
        return 'dockerd --validate is not available (before Docker 23); the restart and the TLS check verify instead'
    if text is None:
        return 'no daemon.json to validate'
    tmp = os.path.join(module.tmpdir, 'daemon.json')
    with open(tmp, 'w') as handle:
        handle.write(text)
    rc, out, err = module.run_command([dockerd, '--validate', '--config-file', tmp])
    if rc != 0:
        raise dc.DaemonConfigError('daemon.json would not be accepted: %s' % (err or out).strip())
    return 'daemon.json validated by dockerd --validate'


class UnitFiles(object):
    """The vendor unit (path and text) and the copy saved before mode unit edited it (.tprov-orig),
    with what the saved copy still is: stale (a package upgrade replaced the unit since: not written
    back) or rebased (an admin edited our edit: the saved copy takes those lines)."""

    def __init__(self, module, params):
        self.path = find_unit(module, params)
        self.text = read_text(self.path)
        if self.text is None:
            raise dc.DaemonConfigError('unit_path: %s cannot be read.' % self.path)
        self.original_path = saved_original_path(self.path)
        self.original = read_text(self.original_path)
        self.stale_original = self.rebased_original = False
        if self.original is not None and not dc.unit_is_our_edit(self.text, self.original):
            self.stale_original = not carries_our_flags(self.text)
            self.rebased_original = not self.stale_original
        if self.rebased_original:
            # Our edit is still there with other lines changed: an admin edited the unit (LimitNOFILE=...),
            # not a package upgrade. The saved original takes those lines, with the vendor's ExecStart.
            module.warn('%s was edited since %s was saved; the edit is kept there, with the vendor command line.'
                        % (self.path, self.original_path))
            self.original = dc.with_exec_start_of(self.text, self.original)
        if self.stale_original:
            # The unit is not the saved original with our ExecStart: a package upgrade (or an admin)
            # replaced it since. It is the vendor's unit now; the old copy must not be written back.
            module.warn('%s changed since %s was saved (a package upgrade?); the configuration is rebuilt from '
                        'the current unit and the old copy is replaced.' % (self.path, self.original_path))
            self.original = None
        self.vendor_text = self.original if self.original is not None else self.text


def find_unit(module, params):
    """unit_path, else what systemd reports, else unit_path_fallback when it exists."""
    if params['unit_path']:
        return params['unit_path']
    try:
        return systemd_unit_path(module)
    except dc.DaemonConfigError:
        if not (params['unit_path_fallback'] and os.path.exists(params['unit_path_fallback'])):
            raise
        return params['unit_path_fallback']


def daemon_json_change(params):
    """(path, text now, text wanted, hosts carried over to the command line) for daemon.json: keys that
    clash with our flags are refused, or moved with daemon_json_conflicts: move."""
    json_path = params['daemon_json_path']
    try:
        json_text = read_text(json_path)
    except UnicodeDecodeError as exc:
        raise dc.DaemonConfigError('%s is not UTF-8 text (%s); dockerd reads it as JSON in UTF-8. Convert it, e.g. '
                                   'iconv -f latin1 -t utf-8.' % (json_path, exc.reason))
    conflicts = dc.daemon_json_conflicts(json_text, json_path)
    if not conflicts:
        return json_path, json_text, json_text, []
    if params['daemon_json_conflicts'] == 'fail':
        raise dc.DaemonConfigError(
            '%s sets %s, which this role passes as flags; dockerd refuses to start with a setting in both '
            'places. Remove the key(s) from %s, or set daemon_json_conflicts: move (role: '
            'docker_daemon_json_conflicts: move) to have them moved.'
            % (json_path, ', '.join('"%s": %s' % (k, json.dumps(v)) for k, v in sorted(conflicts.items())),
               json_path), kind='daemon_json_conflict')
    return json_path, json_text, dc.without_conflicts(json_text, conflicts), dc.carried_hosts(conflicts)


def check_certificates(params):
    if params['tls_verify'] and params['tcp_hosts']:
        coming = tls_file_paths(params)
        for option in ('tls_ca_cert', 'tls_cert', 'tls_key'):
            if params[option] not in coming and not os.path.isfile(params[option]):
                raise dc.DaemonConfigError('%s: %s does not exist on the host; install the certificates first '
                                           '(role tprov.docker.pki, tag pki).' % (option, params[option]),
                                           kind='certificates_missing')


def tls_file_paths(params):
    """The paths tls_files installs in this run (none without it)."""
    spec = params.get('tls_files')
    if not spec:
        return set()
    return set(os.path.join(os.path.normpath(spec['dest']), f['name']) for f in spec['files'])


def tls_backups_dir(params):
    """Where the certificates' backups are: tls_files' dest, else the directory of tls_cert."""
    return os.path.normpath(params['tls_files']['dest'] if params.get('tls_files') else os.path.dirname(params['tls_cert']))


def tls_backups_before(module, params):
    """The backups of the three certificate files (tls_ca_cert, tls_cert, tls_key) that earlier runs left - the
    files they installed and no restart was proven to load - listed before anything is written; None when not
    asked for (neither tls_files nor prune_tls_backups). A directory another user controls is refused with
    tls_files (nothing is written then); for the prune alone it is a warning, and nothing is pruned."""
    if not (params.get('tls_files') or params['prune_tls_backups']):
        return None
    directory = tls_backups_dir(params)
    names = set(os.path.basename(params[o]) for o in ('tls_ca_cert', 'tls_cert', 'tls_key')
                if os.path.dirname(os.path.normpath(params[o])) == directory)
    spec = params.get('tls_files') or {}
    try:
        return tls_files.backups_in(directory, names, owner=spec.get('owner'), group=spec.get('group'))
    except tls_files.FilesError as exc:
        if params.get('tls_files'):
            raise tls_files.FilesError('tls_files: %s' % exc)
        module.warn('prune_tls_backups: %s' % exc)
        return None


def install_tls_files(params, dry):
    """tls_files installed (backups kept, for the rollback): the installer's result, or None without tls_files."""
    if not params.get('tls_files'):
        return None
    return tls_files.install(dict(params['tls_files'], backup=True), dry, option='tls_files')


def tls_results(module, params, installed, earlier, served, dry):
    """The result keys of the certificates (see RETURN): what tls_files installed, whether the daemon must restart
    for it (tls_changed) or for files an earlier run installed that it is not proven to run (tls_unproven), the
    restore entries of a rollback, and the backups left - deleted with prune_tls_backups once none is needed."""
    changed_content = bool(installed and any(f['content_changed'] for f in installed['files']))
    earlier = earlier or []
    # The served certificate proves the certificate and its key; nothing shows which CA the daemon loaded, so a
    # CA certificate an earlier run installed stays unproven until a restart proves the set (restart.yml).
    # A served certificate that cannot be read (a TLS 1.2-only server) proves nothing either way: as before this
    # check existed, only a certificate changed in this run restarts then - else every run would restart.
    tls_in_use = bool(params['tls_verify'] and params['tcp_hosts'])
    matches = bool(served and served['matches'])
    unknown = bool(served and served['unknown'])
    unproven = sorted(set(entry['path'] for entry in oldest_backups(earlier)
                          if tls_in_use and not unknown
                          and (entry['path'] == os.path.normpath(params['tls_ca_cert']) or not matches)))
    made = [b['backup'] for b in (installed or {}).get('backups', []) if b['backup']]
    # The way back is the oldest backup of each file - the content the daemon last started with (backups are
    # deleted once a restart proves the files), this run's or an earlier run's - and, for a file this run made,
    # its removal.
    restore = oldest_backups(earlier + made)
    restored_paths = set(e['path'] for e in restore)
    restore += [b for b in (installed or {}).get('backups', []) if not b['backup'] and b['path'] not in restored_paths]
    removed = []
    if params['prune_tls_backups'] and earlier and not changed_content and not unproven and (matches or not tls_in_use):
        try:
            removed = tls_files.remove_backups(tls_backups_dir(params), earlier, dry)
        except (tls_files.FilesError, OSError) as exc:
            module.warn('prune_tls_backups: the backups were not deleted: %s' % exc)
        restore = [e for e in restore if e.get('backup') not in removed]
    keys = dict(tls_changed=changed_content, tls_unproven=unproven, tls_restore=restore,
                tls_backups=[p for p in earlier + made if p not in removed], tls_backups_removed=removed)
    if installed is not None:
        keys['tls_files'] = dict((k, v) for k, v in installed.items() if k != 'diff')
    return keys


def managed_command_line(params, unit):
    """(argv, path) of the command line our managed configuration runs now (our drop-in, or our edit of
    the unit); (None, None) when there is none yet."""
    own_text = read_text(params['dropin_path'])
    if own_text is not None and dc.sets_exec_start(own_text):
        return dc.unit_exec_start(own_text), params['dropin_path']
    if unit.original is not None and not unit.stale_original:
        return dc.unit_exec_start(unit.text), unit.path
    return None, None


def check_dropin_order(params, unit, dropins):
    """Refuse a drop-in that sets ExecStart and would apply after ours (or after the edited unit)."""
    mode = params['mode']
    own_name = os.path.basename(params['dropin_path'])
    for path, text in dropins:
        overrides = dc.sets_exec_start(text)
        if overrides and (mode == 'unit' or (mode == 'dropin' and os.path.basename(path) > own_name)):
            raise dc.DaemonConfigError(
                'The drop-in %s sets ExecStart and is applied after %s, so systemd would run its command line '
                'and drop the TCP and TLS flags. Rename it to sort before %s (its flags are kept), or move its '
                'flags into daemon.json.' % (path, params['dropin_path'] if mode == 'dropin' else unit.path,
                                             own_name), kind='dropin_overrides')


def configure(module, params, dry=False, need_certificates=True):
    """state present: decide every file, write them in one Transaction; the module's result. ``dry``: decide
    and report only, as in check mode (state restarted reads the restarted daemon so). ``need_certificates``:
    refuse when the certificates are missing (a check-mode restart reads a host whose certificates would come
    with state present's tls_files)."""
    dry = dry or module.check_mode
    dc.check_tcp_hosts(params['tcp_hosts'], params['tls_verify'], params['allow_plaintext_tcp'])
    unit = UnitFiles(module, params)
    json_path, json_text, new_json, carried = daemon_json_change(params)
    if need_certificates:
        check_certificates(params)
    dropins = read_dropins(params['dropin_dirs'], params['dropin_path'])
    # What systemd will run: the unit's ExecStart as replaced by other drop-ins. Flags an admin set
    # there (--data-root, --iptables=false) are the base of ours, never dropped.
    vendor_argv, argv_source = dc.effective_exec_start(unit.vendor_text, dropins)
    managed = managed_command_line(params, unit)
    if managed[0]:
        # A listener moved there from daemon.json on an earlier run (daemon_json_conflicts: move) is
        # in no other file any more: it stays.
        known = set(dc.argv_hosts(vendor_argv)) | set(carried)
        carried += [h for h in dc.argv_hosts(managed[0]) if not h.startswith('tcp://') and h not in known]
    check_dropin_order(params, unit, dropins)
    writer = Transaction(params['backup_dir'])
    if unit.stale_original and params['mode'] != 'unit':
        writer.want(unit.original_path, None)
    build = want_envfile if params['mode'] == 'envfile' else want_exec_start
    exec_start, dockerd_words = build(module, params, writer, unit, dropins, vendor_argv, argv_source or unit.path,
                                      carried, managed)
    exec_keys = dc.command_line_keys(exec_start)
    check_config_file(dockerd_words, json_path)
    info = running_daemon_info(local_socket_path(exec_start))
    new_json, wanted, kept = dc.merge_daemon_options(
        new_json, json_path, params['daemon_options'], params['daemon_default_options'],
        # The command line's flags first, then the environment file's words (the unit may pass them).
        command_line=dict(dc.command_line_keys(envfile_words(params)), **exec_keys),
        swarm=((info or {}).get('Swarm') or {}).get('LocalNodeState') == 'active')
    for key, why in sorted(kept.items()):
        module.warn('daemon.json: the default "%s": %s is not applied: %s. Set it in docker_daemon_options to '
                    'choose, or to null to silence this.'
                    % (key, json.dumps(redact_mapping(params['daemon_default_options'][key])), redact_credentials(why)))
    if new_json != json_text:
        if os.path.islink(json_path):
            raise dc.DaemonConfigError(
                '%s is a symbolic link (to %s); it is not written through. Replace the link with the file itself, or '
                'leave daemon.json alone (role: docker_daemon_hardened_options: {} and no docker_daemon_options).'
                % (json_path, os.readlink(json_path)))
        # An existing file keeps its mode; a new one is 0600 (it may hold a proxy's credentials; dockerd
        # reads it as root).
        writer.want(json_path, new_json, existing_mode(json_path, 0o600))
    # daemon.json as it is already was validated when it was written (or is the operator's own).
    if new_json is None:
        validated = 'no daemon.json'
    elif new_json == json_text:
        validated = 'daemon.json unchanged; not validated again'
    else:
        validated = validate_daemon_json(module, new_json)
    # The certificates go in after every check has passed, just before the configuration is written; when
    # that write fails, they are put back too: a failed run leaves neither half.
    earlier = tls_backups_before(module, params)
    installed = install_tls_files(params, dry)
    try:
        backups = [] if dry else writer.commit()
    except BaseException:
        if installed and installed['backups'] and not dry:
            tls_files.put_back(installed['backups'])
        raise
    changed_files = writer.paths
    action, decision = restart_decision(writer.paths, unit, json_path, read_text(params['daemon_json_applied_path']),
                                        json_text, new_json, wanted, info)
    result = dict(changed=bool(changed_files), changed_files=changed_files, backups=backups, exec_start=exec_start,
                  unit_path=unit.path, validated=validated, dropins=[p for p, _t in dropins],
                  daemon_changed=action == 'restart', daemon_reload=action == 'reload',
                  # Values as a diff shows them: a proxy's or mirror's user:password@ masked.
                  daemon_options=redact_mapping(wanted), daemon_options_kept=sorted(kept), **decision)
    served = None
    if params['tls_verify'] and params['tcp_hosts']:
        served = result['served_certificate'] = served_certificate(module, params['tcp_hosts'][0], params['tls_cert'])
    result.update(tls_results(module, params, installed, earlier, served, dry))
    result['changed'] = bool(changed_files or (installed and installed['changed']) or result['tls_backups_removed'])
    if module._diff:
        result['diff'] = writer.diff + (installed['diff'] if installed else [])
    return result


def envfile_words(params):
    """The words of the environment file's variable (DOCKER_OPTS): the unit may pass them to dockerd."""
    return dc.envfile_words(dc.envfile_value(read_text(params['envfile_path']), params['envfile_variable'],
                                             params['envfile_path']))


def restart_decision(paths, unit, json_path, applied_text, json_text, new_json, wanted, info):
    """(action, result keys): whether the daemon must restart, reload (SIGHUP) or neither to run what is
    declared, judged by what the running daemon reports (GET /info on its socket) where it reports a key,
    and otherwise by the daemon.json it was last restarted or reloaded on (``applied_text``, recorded by
    state=applied), or, with no such record, by this run's changes."""
    # The saved original is read by nobody but this module: no reason to restart.
    daemon_files_changed = any(p not in (unit.original_path, json_path) for p in paths)
    base = applied_text if applied_text is not None else json_text
    file_keys = dc.changed_keys(base, new_json, json_path) if new_json != base else []
    served = dc.served_differences(wanted, info) if info is not None else {}
    if info is not None:
        # A key the daemon shows already with the declared value (restarted by hand since) needs nothing.
        file_keys = [k for k in file_keys if not (k in dc.SERVED_KEYS and k in wanted and k not in served)]
    action = dc.apply_action(file_keys, served, daemon_files_changed)
    return action, dict(
        daemon_json_keys_changed=file_keys, daemon_options_pending=sorted(served),
        daemon_answered=info is not None,
        # live-restore switched on by a SIGHUP first keeps the running containers through the restart.
        # Whatever else restarts it in the same run (a new server certificate): the role reloads first. With
        # no container running there is nothing to keep, and the restart applies live-restore itself.
        reload_before_restart=bool(info is not None and wanted.get('live-restore') is True
                                   and not info.get('LiveRestoreEnabled') and info.get('ContainersRunning', 1)))


def existing_mode(path, default):
    """The permission bits of an existing file (not following a link), else ``default``."""
    try:
        return os.lstat(path).st_mode & 0o7777
    except FileNotFoundError:
        return default


def restart(module, params):
    """state=restarted: restart (or reload) docker.service on the configuration state=present wrote, wait
    until the daemon answers on its unix socket with the declared daemon.json keys, record the daemon.json
    it now runs (state=applied), and report what it serves - what the role would otherwise ask in five
    module runs (reload, reset-failed, restart, read, record). Nothing runs in check mode."""
    unit = 'docker.service'
    reloaded = restarted = False
    if not module.check_mode:
        systemctl = module.get_bin_path('systemctl')
        if not systemctl:
            raise dc.DaemonConfigError('systemctl is not on this host: the daemon role supports systemd hosts only.',
                                       kind='restart_failed')
        if params['reload_only'] or params['reload_first']:
            systemd(module, [systemctl, 'reload', unit])
            reloaded = True
            if not params['reload_only']:
                # dockerd applies a SIGHUP asynchronously: live-restore must be on before the restart.
                wait_for_daemon(module, params, time.monotonic() + 10, lambda r: 'live-restore' not in
                                r['daemon_options_pending'])
        if not params['reload_only']:
            # The restarts this role makes are planned, and a CA rollover makes two per host within seconds:
            # systemd's start limit (Debian's docker.service: 3 starts in 60 s) must not refuse one of them.
            module.run_command([systemctl, 'reset-failed', unit])
            systemd(module, [systemctl, 'daemon-reload'])
            systemd(module, [systemctl, 'restart', unit])
            restarted = True
    deadline = time.monotonic() + (0 if module.check_mode else params['wait_timeout'])
    result = wait_for_daemon(module, params, deadline, lambda r: not r['daemon_options_pending'])
    if not result['daemon_answered'] and not module.check_mode:
        raise dc.DaemonConfigError(
            'dockerd did not answer on its unix socket within %d s of the %s; see journalctl -u docker.'
            % (params['wait_timeout'], 'restart' if restarted else 'reload'), kind='daemon_not_answering')
    recorded = False
    if not module.check_mode and not result['daemon_options_pending']:
        recorded = record_applied(module, params)['changed']
    result.update(changed=True, changed_files=[], backups=[], restarted=restarted, reloaded=reloaded,
                  applied_recorded=recorded)
    result.pop('diff', None)
    return result


def systemd(module, argv):
    rc, out, err = module.run_command(argv)
    if rc != 0:
        raise dc.DaemonConfigError('%s failed (rc %d): %s' % (' '.join(argv[1:]), rc, (err or out).strip()),
                                   kind='restart_failed')


class _Quiet(object):
    """The module with its warnings held back: a report read again and again warns once, at the end
    (``warnings``: those of the last read)."""

    def __init__(self, module):
        self._module = module
        self.warnings = []

    def __getattr__(self, name):
        return getattr(self._module, name)

    def warn(self, warning):
        self.warnings.append(warning)


def wait_for_daemon(module, params, deadline, done, settle=5):
    """configure's report on the running daemon (dry: nothing written), read again every half second until
    it answers on its socket and ``done(report)``, or until ``deadline`` - and, once it answers, for ``settle``
    seconds at most: a key still pending then is the role's to report. The last report (warnings once)."""
    params = dict(params, tls_files=None, prune_tls_backups=False)
    need = not module.check_mode
    settled_by = None
    while True:
        quiet = _Quiet(module)
        report = configure(quiet, params, dry=True, need_certificates=need)
        now = time.monotonic()
        if report['daemon_answered']:
            if done(report):
                break
            settled_by = now + settle if settled_by is None else settled_by
            if now >= settled_by:
                break
        if now >= deadline:
            break
        time.sleep(0.5)
    for warning in quiet.warnings:
        module.warn(warning)
    return report


def record_applied(module, params):
    """state=applied: the daemon was just restarted or reloaded on daemon.json as it is: keep a copy
    (0600: it may hold credentials) to judge later runs by."""
    text = read_text(params['daemon_json_path'])
    applied_path = params['daemon_json_applied_path']
    if read_text(applied_path) == text:
        return dict(changed=False, changed_files=[], backups=[])
    if not module.check_mode:
        if text is None:
            os.unlink(applied_path)
        else:
            directory = os.path.dirname(applied_path)
            if not os.path.isdir(directory):
                os.makedirs(directory, 0o700)
            write_atomic(applied_path, text.encode('utf-8'), 0o600)
    return dict(changed=True, changed_files=[applied_path], backups=[])


def local_socket_path(argv):
    """The unix socket the daemon's command line listens on (fd:// and none: Docker's default path)."""
    for host in dc.argv_hosts(argv):
        if host.startswith('unix://'):
            return host[len('unix://'):]
    return dc.DEFAULT_LOCAL_HOST[len('unix://'):]


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__('localhost', timeout=timeout)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def running_daemon_info(path, timeout=5):
    """GET /info from the daemon on its unix socket, or None when it does not answer there.

    The standard library's HTTP client, not engine_client: this runs on the managed host, which need not
    have requests installed, and only ever asks this one read-only question."""
    connection = _UnixHTTPConnection(path, timeout)
    try:
        connection.request('GET', '/info')
        response = connection.getresponse()
        body = response.read(4 * 1024 * 1024)
        if response.status != 200:
            return None
        info = json.loads(body.decode('utf-8'))
        return info if isinstance(info, dict) else None
    except (OSError, ValueError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def _tls_args(params):
    return dict(tls_verify=params['tls_verify'], ca_cert=params['tls_ca_cert'], cert=params['tls_cert'],
                key=params['tls_key'])


def _local_host(unit, dropins):
    """The local listener a command line without -H keeps: fd:// for a socket-activated unit."""
    return 'fd://' if dc.socket_activated(_unit_texts(unit, dropins)) else dc.DEFAULT_LOCAL_HOST


def _unit_texts(unit, dropins):
    """The vendor unit's text, then each drop-in's, in the order systemd reads them."""
    return [unit.vendor_text] + [t for _p, t in dropins]


def check_config_file(dockerd_words, json_path):
    """Refuse a --config-file (--config-file=PATH or --config-file PATH, in the unit or in the environment file's
    variable) other than the daemon.json this module writes: its keys would go where dockerd never reads them."""
    config_file = dc.flag_value(dockerd_words, ('--config-file',))
    if config_file is None or (config_file and os.path.normpath(config_file) == os.path.normpath(json_path)):
        return
    if not config_file or config_file.startswith('$'):
        raise dc.DaemonConfigError(
            'dockerd\'s command line has --config-file %s, which names no file this module can tell; daemon_json_path '
            '%s may not be the file dockerd reads. Give --config-file a path (the one of daemon_json_path, role: '
            'docker_daemon_json_path), or remove it.' % (config_file or '(empty)', json_path))
    raise dc.DaemonConfigError(
        'dockerd reads %s (--config-file on its command line), not daemon_json_path %s: the keys would be written '
        'where the daemon never reads them. Set daemon_json_path (role: docker_daemon_json_path) to %s.'
        % (config_file, json_path, config_file))


def passes_envfile(params, unit, dropins, vendor_argv):
    """Whether the unit reads the environment file and passes dockerd its variable as a word of its own, $DOCKER_OPTS,
    which systemd splits into words (one flag each): "${DOCKER_OPTS}" would be one argument."""
    variable = params['envfile_variable']
    all_text = '\n'.join(_unit_texts(unit, dropins))
    return '$' + variable in vendor_argv and dc.unit_reads_envfile(all_text, params['envfile_path'], variable)


def want_envfile(module, params, writer, unit, dropins, vendor_argv, argv_source, carried, managed):
    """mode envfile: our flags in the environment file's variable; the unit as the vendor's, no drop-in."""
    variable, envfile_path = params['envfile_variable'], params['envfile_path']
    envfile_text = read_text(envfile_path)
    if not passes_envfile(params, unit, dropins, vendor_argv):
        raise dc.DaemonConfigError(
            'mode envfile: the unit %s%s does not read %s or pass $%s to dockerd (a word of its own: systemd passes '
            '"${...}" as one argument); use mode dropin (docker_daemon_config_mode: dropin).' % (
                unit.path, ' (with %s)' % argv_source if argv_source != unit.path else '', envfile_path, variable))
    # The operator's words of the variable (--dns, --data-root, ...) are kept, ours replaced; the
    # local listener only when the unit has none of its own (its -H fd:// stays in the unit).
    flags = dc.envfile_flags(dc.envfile_value(envfile_text, variable, envfile_path), params['tcp_hosts'], extra_hosts=carried,
                             local_host=None if dc.has_local_host(vendor_argv) else _local_host(unit, dropins),
                             **_tls_args(params))
    unit_argv = dc.daemon_argv(vendor_argv, [], tls_verify=False)
    # The variable's words were there before and after: the unit's and drop-ins' flags are compared.
    check_managed_flags(params, managed[0], managed[1], unit_argv, argv_source)
    writer.want(envfile_path, dc.render_envfile(envfile_text, variable, flags, envfile_path))
    if unit.original is not None:
        writer.want(unit.path, unit.original)
    writer.want(params['dropin_path'], None)
    return unit_argv + flags, dc.with_variable_words(unit_argv, variable, dc.words_value(flags))


def want_exec_start(module, params, writer, unit, dropins, vendor_argv, argv_source, carried, managed):
    """modes dropin and unit: our flags on the command line, in our drop-in or in the edited unit."""
    variable, envfile_path = params['envfile_variable'], params['envfile_path']
    envfile_text = read_text(envfile_path)
    env_value = dc.envfile_value(envfile_text, variable, envfile_path)
    env_words = dc.envfile_words(env_value)
    if any(w.startswith(('-H', '--host', '--tls')) for w in env_words):
        if dc.ENVFILE_MARKER in (envfile_text or ''):
            # Leaving mode envfile: its host and TLS flags go, the operator's other words stay.
            env_words = dc.foreign_flags(['dockerd'] + env_words)[1:]
            writer.want(envfile_path, dc.render_envfile(envfile_text, variable, env_words, envfile_path))
        else:
            raise dc.DaemonConfigError(
                '%s sets %s="%s" with host or TLS flags, which would clash with the ones this role sets. '
                'Remove them there, or use mode envfile.' % (envfile_path, variable, env_value),
                kind='invalid_configuration')
    exec_start = dc.daemon_argv(vendor_argv + ['--host=%s' % h for h in carried], params['tcp_hosts'],
                                local_host=_local_host(unit, dropins), **_tls_args(params))
    check_managed_flags(params, managed[0], managed[1], exec_start, argv_source)
    # What dockerd gets: the environment file's value where the unit passes its variable (Debian's $DOCKER_OPTS) -
    # when systemd takes it from that file alone; otherwise the variable stays a word this module cannot read.
    takes_file = dc.environment_from_file(_unit_texts(unit, dropins), envfile_path, variable)
    dockerd_words = dc.with_variable_words(exec_start, variable, dc.words_value(env_words)) if takes_file else exec_start
    if params['mode'] == 'dropin':
        writer.want(params['dropin_path'], dc.render_dropin(exec_start))
        if unit.original is not None:
            writer.want(unit.path, unit.original)
        return exec_start, dockerd_words
    module.warn('mode unit edits %s in place; a package upgrade of docker replaces it and drops TLS. '
                'The mode dropin survives upgrades.' % unit.path)
    if unit.original is None:
        writer.want(unit.original_path, unit.text, 0o644)  # a stale copy is replaced too
    elif unit.rebased_original:
        writer.want(unit.original_path, unit.original, 0o644)
    writer.want(unit.path, dc.render_unit(unit.vendor_text, exec_start))
    writer.want(params['dropin_path'], None)
    return exec_start, dockerd_words


def served_certificate(module, tcp_host, cert_path):
    """What the daemon serves on tcp_host against the certificate file (see RETURN)."""
    address, port = dc.probe_address(tcp_host)
    probe = tls_probe.read_served(address, port)
    served, answered = probe.der, probe.answered
    on_disk = dc.pem_certificate_der(read_text(cert_path))
    served_fp = dc.fingerprint_sha256(served) if served else None
    file_fp = dc.fingerprint_sha256(on_disk) if on_disk else None
    shown = '[%s]:%d' % (address, port) if ':' in address else '%s:%d' % (address, port)
    unknown = served is None and answered
    if unknown:
        # Neither "matches" nor "stale" can be told: the role restarts when the certificate changed
        # in this run, and otherwise keeps the certificate backups and says so here.
        module.warn('Something listens on %s but its certificate could not be read (a server limited to TLS 1.2 '
                    'refuses a client without a certificate first); whether it serves %s is unknown. Restart '
                    'docker if that certificate changed since it started.' % (shown, cert_path))
    return dict(address=shown, fingerprint_sha256=served_fp, file_fingerprint_sha256=file_fp,
                matches=bool(served_fp and served_fp == file_fp), stale=bool(served_fp and served_fp != file_fp),
                unknown=unknown)


def restore(module, entries):
    restored, not_restored = restore_files(entries, module.check_mode)
    result = dict(changed=bool(restored), changed_files=restored, restored=restored, not_restored=not_restored,
                  backups=[])
    if not_restored:
        module.fail_json(
            msg='ROLLBACK INCOMPLETE: not restored: %s. Restored: %s.' % (
                '; '.join('%s (%s)' % (e['path'], e['error']) for e in not_restored),
                ', '.join(restored) or 'nothing'),
            error_kind='restore_incomplete', **result)
    return result
