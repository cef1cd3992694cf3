# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole Docker PKI in one run: the CA, a server certificate per host, client bundles.

The layout under ``dir`` is the one the roles use::

    ca.pem  ca-key.pem
    hosts/NAME/server-cert.pem  hosts/NAME/server-key.pem
    clients/NAME/ca.pem  clients/NAME/cert.pem  clients/NAME/key.pem

Every certificate is decided by :class:`tls_cert.CertificatePlan` (the same rules as
docker_tls_cert), with the CA loaded once. In check mode a CA that would be issued is made in
memory, so the leaves' decisions are still real.

:func:`write_outcome` is the one write step for a certificate and its key (docker_tls_pki and
docker_tls_cert); :func:`issue_certificate` is docker_tls_cert's backend.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import shutil
import stat
import time

from ansible_collections.tprov.docker.plugins.module_utils import tls_cert
from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import (
    DirectoryLock,
    back_up,
    backup_name,
    only_root_or_we_can_write,
    untrusted_ancestor,
    read_file,
    write_atomic,
    write_pair_atomic,
)
from ansible_collections.tprov.docker.plugins.module_utils.pki_layout import (
    CLIENT_STATES,
    DOCKER_FILE_NAMES,
    SAFE_NAME_CHARS,
    PKILayout,
    check_name,
    client_state,
    names_in_state,
)


def write_outcome(writes):
    """Write a plan's outcome (tls_cert.CertificatePlan.outcome): one file atomically, or a key and its
    certificate as a pair - both change or neither, so a key never stands beside another key's certificate."""
    if len(writes) == 1:
        write_atomic(*writes[0])
    elif writes:
        write_pair_atomic(*writes)


# A CA rollover (a client revoked, or a planned new CA) in the phases the roles carry out host by host:
#   trust-both: a new CA; every client bundle's ca.pem trusts old + new (their certificates stay the old
#               CA's, which every daemon still trusts); each host in turn gets the old + new trust bundle
#               and a server certificate from the new CA, and restarts.
#   (reissue):  once every host trusts both, in the same run that sees it: every listed client is
#               re-issued by the new CA (ca.pem: the new CA only).
#   drop-old:   each host in turn gets ca.pem = the new CA only, and restarts; the old CA's certificates
#               (the revoked client's) are refused from then on.
#   done:       the old CA is archived (0600, in archive/), the revoked bundles removed, the record deleted.
# A client polling with a bundle re-read from disk is accepted throughout, except while a host restarts.
# The record (rollover.json, written atomically) says where a run that died stood; which hosts finished a
# phase is decided by the roles from what the host has (the files they install) and reported back here.
ROLLOVER_PHASES = ('trust-both', 'drop-old')
ROLLOVER_NONE = 'none'


def plan_rollover(record, revoked, planned, servers, known_hosts=(), present=()):
    """What this run does about a CA rollover - pure, no files.

    record: the rollover.json dict (None: no rollover in progress); revoked: client names whose bundle must
    stop working (absent, or unlisted with revoke_unlisted); planned: start one without revoking (ca_rollover);
    servers: the hosts of this run; known_hosts: the hosts with a directory under hosts/ (the PKI's servers on
    disk). A rollover records them all when it starts, this run's servers or not: a host left out of a run
    (--limit) holds the rollover back until it is done or its hosts/NAME is removed, since finishing without
    it would leave it trusting the old CA only.

    Returns a dict: record (the new record, None when no rollover is left), start, reissue_clients (the run
    passes trust-both -> drop-old), finish (drop-old is done everywhere: archive, remove revoked bundles),
    phase, pending (hosts still to do in the phase), reasons, revoked_next (clients revoked in drop-old: their
    certificates are already the new CA's, so this rollover cannot revoke them), chain (with finish and
    revoked_next: the record of the rollover of their own that starts as this one finishes), rekey (clients
    listed present again that the record revokes: the key of their revoked certificate may have leaked, so
    they get a new one and leave the record's revoked list)."""
    revoked = sorted(set(revoked or []))
    result = dict(start=False, reissue_clients=False, finish=False, reasons=[], revoked_next=[], chain=None,
                  rekey=[])
    if not record or record.get('phase') not in ROLLOVER_PHASES:
        if not revoked and not planned:
            return dict(result, record=None, phase=ROLLOVER_NONE, pending=[])
        reasons = ['ca_rollover'] + (['client_revoked'] if revoked else [])
        record = dict(phase='trust-both', revoked=revoked, reasons=reasons,
                      hosts=sorted(set(servers) | set(known_hosts)), done=[])
        result.update(start=True)
    else:
        record = dict(record, revoked=list(record.get('revoked') or []), done=list(record.get('done') or []),
                      reasons=list(record.get('reasons') or ['ca_rollover']))
        if record['phase'] == 'trust-both':
            # Their certificates are still the old CA's (clients are re-issued after this phase): the
            # old CA leaving every daemon refuses them too.
            for name in revoked:
                if name not in record['revoked']:
                    record['revoked'].append(name)
            if revoked and 'client_revoked' not in record['reasons']:
                record['reasons'].append('client_revoked')
        result['rekey'] = [name for name in record['revoked'] if name in present]
        record['revoked'] = [name for name in record['revoked'] if name not in present]
    result['reasons'] = list(record['reasons'])
    required = sorted(set(servers) | (set(record.get('hosts') or []) & set(known_hosts)))

    def pending():
        return [name for name in required if name not in record['done']]

    if record['phase'] == 'trust-both' and not result['start'] and not pending():
        record = dict(record, phase='drop-old', done=[])
        result['reissue_clients'] = True
    if record['phase'] == 'drop-old':
        result['revoked_next'] = [name for name in revoked if name not in record['revoked']]
    if record['phase'] == 'drop-old' and not pending():
        result.update(finish=True, record=None, finished_record=record, phase=ROLLOVER_NONE, pending=[])
        if result['revoked_next']:
            # Started in the same run, so that no later command has to be remembered: until it is done
            # those clients' certificates verify, and the record says so.
            result['chain'] = dict(phase='trust-both', revoked=result['revoked_next'],
                                   reasons=['ca_rollover', 'client_revoked'],
                                   hosts=sorted(set(servers) | set(known_hosts)), done=[])
        return result
    result.update(record=record, phase=record['phase'], pending=pending())
    return result


def valid_record(record):
    """Whether record is one plan_rollover writes: a known phase, lists of strings, names that are directory
    names (revoked names become paths that are removed: a tampered record must not reach outside dir)."""
    if not isinstance(record, dict) or record.get('phase') not in ROLLOVER_PHASES:
        return False
    for key in ('hosts', 'done', 'revoked', 'reasons'):
        values = record.get(key, [])
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            return False
        for value in values if key != 'reasons' else ():
            try:
                check_name(value, key)
            except tls_cert.CertificateError:
                return False
    return True


def record_host_done(record, phase, host):
    """The record with host marked done in phase; None when that is not the phase in progress (a stale
    report: nothing to record)."""
    if not record or record.get('phase') != phase:
        return None
    done = list(record.get('done') or [])
    if host not in done:
        done.append(host)
    return dict(record, done=sorted(done))


class PKI(PKILayout):

    def __init__(self, directory, key_type='ecdsa', key_size=2048, curve='secp256r1', valid_days=365,
                 renew_before_days=30, ca_valid_days=3650, ca_common_name='tprov.docker CA', ca_passphrase=None,
                 force=False, check_mode=False, ca_key_type=None, ca_key_size=None, ca_curve=None, ca_replace=False,
                 ca_rollover=False, revoke_unlisted=False):
        super(PKI, self).__init__(directory)
        self.key = dict(key_type=key_type, key_size=key_size, curve=curve)
        # The CA's key is its own setting. Not set, an existing CA keeps its key whatever its type, and a
        # new CA gets the leaves' type (as before ca_key_type existed). A CA key of another type than one
        # set explicitly is replaced only with ca_replace: every host and client that trusts the old CA is
        # stranded until re-issued.
        self.ca_key = dict(key_type=ca_key_type or key_type, key_size=ca_key_size or key_size,
                           curve=ca_curve or curve)
        self.ca_key_type_set = ca_key_type is not None
        self.ca_replace = ca_replace
        self.valid_days = valid_days
        self.renew_before_days = renew_before_days
        self.ca_valid_days = ca_valid_days
        self.ca_common_name = ca_common_name
        self.ca_passphrase = ca_passphrase
        self.force = force
        self.check_mode = check_mode
        self.ca_rollover = ca_rollover
        self.revoke_unlisted = revoke_unlisted
        self.changed_paths = []

    def _mkdir(self, *parts):
        path = self.path(*parts)
        if not os.path.isdir(path):
            self.changed_paths.append(path)
            if not self.check_mode:
                os.makedirs(path, 0o700)
        return path

    def _apply(self, plan, kind_label):
        """Issue the certificate if it needs it; (result dict, (cert, key) now in force)."""
        reasons = plan.reasons()
        before = tls_cert.certificate_facts(plan.current_cert)
        if not reasons:
            result = dict(before, reasons=[], changed=False, path=plan.path, key_path=plan.key_path)
            return result, (plan.current_cert, plan.current_key)
        key, cert, writes = plan.outcome()
        if not self.check_mode:
            write_outcome(writes)
        self.changed_paths.extend(path for path, _content, _mode in writes)
        result = dict(tls_cert.certificate_facts(cert), reasons=reasons, changed=True, path=plan.path,
                      key_path=plan.key_path, before=dict((k, before.get(k)) for k in ('subject_alt_names',
                                                                                       'not_after', 'serial')))
        return result, (cert, key)

    @staticmethod
    def _request_keeping_key(request, key):
        """The CA request with the existing CA key's own type, size or curve (ca_key_type not set); the
        request as it was when the key is of a kind no option can ask for."""
        kind, detail = tls_cert.describe_key(key)
        try:
            return tls_cert.CertificateRequest(
                'ca', common_name=request.common_name, valid_days=request.valid_days,
                renew_before_days=request.renew_before_days, key_type=kind,
                key_size=detail if kind == 'rsa' else None, curve=detail if kind == 'ecdsa' else None)
        except tls_cert.CertificateError:
            return request

    def _guard_ca_replacement(self, plan, request):
        """Refuse to make a new CA key while a CA exists, unless ca_replace says so; then keep the old
        CA certificate and key as backups first. Returns the backups' paths (to be) made."""
        existing = [path for path in self.files('ca') if os.path.lexists(path)]
        if not existing or not plan.reasons() or plan.keep_key:
            return []
        if not self.ca_replace:
            if plan.current_key is None:
                found = 'there is no CA key (%s) beside the CA certificate %s' % self.files('ca')[::-1]
            else:
                kind, detail = tls_cert.describe_key(plan.current_key)
                found = 'the CA key %s is %s%s, but %s%s is asked' % (
                    self.files('ca')[1], kind, ' (%s)' % detail if detail else '', request.key_type,
                    ' (%s)' % (request.key_size or request.curve) if request.key_size or request.curve else '')
            raise tls_cert.CertificateError(
                'ca_key_type: %s. A new CA key would strand every host and client that trusts the current CA, so '
                'it is never made implicitly: leave ca_key_type (role: docker_pki_ca_key_type) unset, or set it to '
                'the CA\'s type, to keep the CA, or set ca_replace: true (role: docker_pki_ca_replace: true) to '
                'replace it - its old certificate and key are kept as *.tprov-backup beside them.' % found)
        # Made 0600 (or narrower) before a byte of the CA key is in it.
        return [backup_name(path) if self.check_mode else back_up(path) for path in existing]

    def converge(self, servers, clients):
        parent = os.path.dirname(os.path.abspath(self.directory))
        if not os.path.isdir(parent):
            raise tls_cert.CertificateError('dir: the parent directory %s does not exist.' % parent)
        # Two runs on the same PKI (two playbooks at once) take turns; the second decides again.
        with DirectoryLock(parent):
            self.check_private()
            return self._converge(servers, clients)

    def check_private(self):
        """Refuse a PKI directory, CA certificate or CA key that another user owns or could write: whoever can
        put a CA of their own there has every certificate issued from then on signed by it (the next run takes
        their CA as this one, and re-issues what it signs)."""
        names = ('the CA certificate', 'the CA key')
        candidates = [(self.directory, 'the PKI directory')] + list(zip(self.files('ca'), names))
        for path, what in candidates:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                continue
            if not only_root_or_we_can_write(st):
                raise tls_cert.CertificateError(
                    'dir: %s %s is owned by uid %d with mode %04o: another user could put a CA of their own there. '
                    'Make it yours and writable by you only (chown, chmod go-w), or point docker_pki_dir at a '
                    'directory only you can write.' % (what, path, st.st_uid, stat.S_IMODE(st.st_mode)))
        # Whoever can write a directory above it can rename the PKI directory and put another in its place.
        found = untrusted_ancestor(self.directory)
        if found:
            parent, st = found
            raise tls_cert.CertificateError(
                'dir: %s, above the PKI directory %s, is owned by uid %d with mode %04o: another user could move the '
                'PKI directory away and put one with a CA of their own in its place. Make it writable by root or you '
                'only (chown, chmod go-w, or chmod +t as /tmp is), or point docker_pki_dir at a directory under such '
                'directories.' % (parent, self.directory, st.st_uid, stat.S_IMODE(st.st_mode)))

    def record_host_done(self, phase, host):
        """A host finished a rollover phase (the roles call this after its restart and TLS check): the
        record says so, so a run that dies later does not restart it again for that phase."""
        check_name(host, 'rollover_host_done')
        parent = os.path.dirname(os.path.abspath(self.directory))
        with DirectoryLock(parent):
            record = self._read_record()
            updated = record_host_done(record, phase, host)
            changed = updated is not None and updated != record
            if changed and not self.check_mode:
                self._write_record(updated)
            current = updated or record or {}
            return {'changed': changed, 'rollover': {
                'phase': current.get('phase', ROLLOVER_NONE), 'done': current.get('done', []),
                'recorded': updated is not None}}

    def _read_record(self):
        text = read_file(self.files('rollover')[0])
        if text is None:
            return None
        try:
            record = json.loads(text.decode('utf-8'))
            valid = valid_record(record)
        except ValueError:
            valid = False
        if not valid:
            raise tls_cert.CertificateError(
                'dir: %s is not the JSON a rollover writes; it records where a CA rollover stands. Restore it, or '
                'remove it only if no rollover is in progress.' % self.files('rollover')[0])
        return record

    def _revoked_before(self):
        """The names finished rollovers revoked (archive/revoked.json); only read to tell an absent client
        with nothing on disk that was revoked from one never revoked, so an unreadable ledger is empty."""
        try:
            names = json.loads((read_file(self.files('revoked_ledger')[0]) or b'[]').decode('utf-8'))
        except ValueError:
            return []
        return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []

    def _write_record(self, record):
        path = self.files('rollover')[0]
        if record is None:
            if os.path.lexists(path):
                os.unlink(path)
        else:
            write_atomic(path, (json.dumps(record, indent=1, sort_keys=True) + '\n').encode('utf-8'), 0o600)

    def _revoked(self, clients, client_names):
        """Clients whose bundle on disk must stop working: listed absent, or (revoke_unlisted) named by no entry."""
        listed = set(check_name(c.get('name'), 'clients[%d].name' % i) for i, c in enumerate(clients))
        absent = set(names_in_state(clients, 'absent'))
        on_disk = set()
        if os.path.isdir(self.path('clients')):
            on_disk = set(name for name in os.listdir(self.path('clients'))
                          if os.path.isdir(self.path('clients', name)) and set(name) <= SAFE_NAME_CHARS)
        revoked = on_disk & absent
        if self.revoke_unlisted:
            revoked |= on_disk - listed
        return sorted(revoked - set(client_names))

    def _hosts_on_disk(self):
        """The servers this PKI has issued for (a directory under hosts/), in this run or not."""
        directory = self.path('hosts')
        if not os.path.isdir(directory):
            return []
        return sorted(name for name in os.listdir(directory)
                      if os.path.isdir(os.path.join(directory, name)) and set(name) <= SAFE_NAME_CHARS)

    def _converge(self, servers, clients):
        names = [check_name(s.get('name'), 'servers[%d].name' % i) for i, s in enumerate(servers)]
        all_client_names = [check_name(c.get('name'), 'clients[%d].name' % i) for i, c in enumerate(clients)]
        for option, listed in (('servers', names), ('clients', all_client_names)):
            if len(set(listed)) != len(listed):
                raise tls_cert.CertificateError('%s: a name is listed twice.' % option)
        for index, client in enumerate(clients):
            if client_state(client) not in CLIENT_STATES:
                raise tls_cert.CertificateError('clients[%d] (%s): state must be present or absent, not %r.'
                                                % (index, all_client_names[index], client.get('state')))
        client_names = names_in_state(clients)
        revoked = self._revoked(clients, client_names)
        # Absent with no bundle on disk, revoked by no rollover: nothing to revoke, and a certificate issued
        # for it earlier (a bundle deleted by hand, a copy elsewhere) stays valid; run_pki warns.
        record_revoked = (self._read_record() or {}).get('revoked') or []
        unrevoked = [(index, client.get('name')) for index, client in enumerate(clients)
                     if client_state(client) == 'absent' and client.get('name') not in revoked
                     and not os.path.isdir(self.path('clients', client.get('name')))
                     and client.get('name') not in record_revoked]
        if unrevoked:
            ledger = self._revoked_before()
            unrevoked = [(index, name) for index, name in unrevoked if name not in ledger]
        # Every request is built (and so checked) before anything is written.
        ca_request = tls_cert.CertificateRequest('ca', common_name=self.ca_common_name,
                                                 valid_days=self.ca_valid_days,
                                                 renew_before_days=self.renew_before_days, **self.ca_key)
        server_requests = []
        for index, server in enumerate(servers):
            sans = server.get('subject_alt_names')
            if not sans:
                raise tls_cert.CertificateError('servers[%d] (%s): subject_alt_names is required.'
                                                % (index, names[index]))
            try:
                server_requests.append(tls_cert.CertificateRequest(
                    'server', common_name=server.get('common_name'), subject_alt_names=sans,
                    valid_days=self.valid_days, renew_before_days=self.renew_before_days, **self.key))
            except tls_cert.CertificateError as exc:
                raise tls_cert.CertificateError('servers[%d] (%s): %s' % (index, names[index], exc))
        client_requests = [tls_cert.CertificateRequest(
            'client', common_name=name, valid_days=self.valid_days, renew_before_days=self.renew_before_days,
            **self.key) for name in client_names]

        record = self._read_record()
        known = self._hosts_on_disk()
        # No CA yet: nothing to roll over (the first run makes one).
        rollover = plan_rollover(record, revoked, self.ca_rollover and os.path.exists(self.files('ca')[0]),
                                 names, known, present=client_names)
        if rollover['start'] and not os.path.exists(self.files('ca')[0]):
            rollover = plan_rollover(None, [], False, names)

        # Keys that do not exist yet are made side by side while the rest is read (RSA: seconds each).
        key_paths = ([self.files('ca')[1]] + [self.files('server', name)[1] for name in names]
                     + [self.files('client', name)[1] for name in client_names])
        leaf = server_requests[0] if server_requests else (client_requests[0] if client_requests else ca_request)
        pool = tls_cert.KeyPool(sum(1 for path in key_paths if not os.path.exists(path)),
                                leaf.key_type, leaf.key_size, leaf.curve)
        try:
            result = self._issue(pool, names, server_requests, client_names, client_requests, ca_request, rollover,
                                 revoked)
        finally:
            pool.close()
        result['unrevoked'] = unrevoked
        return result

    def _start_rollover(self, ca_plan, rollover):
        """Keep the CA being replaced as ca-previous (the key 0600 before a byte is in it), then the record:
        a run that dies after this resumes the rollover (and makes the new CA if it was not written)."""
        current = [read_file(path) for path in self.files('ca')]
        previous = self.files('ca_previous')
        self.changed_paths.extend(previous)
        if not self.check_mode:
            write_pair_atomic((previous[1], current[1], 0o600), (previous[0], current[0], 0o644))
            self._write_record(rollover['record'])
        return ca_plan.current_cert, ca_plan.current_key

    def _finish_rollover(self, record, results, client_names):
        """The old CA archived (0700 directory, 0600 files, never trusted again), the trust bundle and the
        revoked bundles removed, then the record (last: a run that dies before it finishes this again).
        A revoked client listed as present again since keeps its bundle (re-issued by the new CA)."""
        revoked = [name for name in (record or {}).get('revoked') or [] if name not in client_names]
        # Named by the time and the old CA's own fingerprint: two rollovers never share a name.
        previous = read_file(self.files('ca_previous')[0]) or b''
        archive_cert, archive_key = self.files('archive', '%s-%s' % (
            time.strftime('%Y%m%dT%H%M%S'), hashlib.sha256(previous).hexdigest()[:12]))
        archived = []
        for source, target in zip(self.files('ca_previous'), (archive_cert, archive_key)):
            if os.path.lexists(source):
                archived.append(target)
                if not self.check_mode:
                    self._mkdir('archive')
                    os.chmod(source, 0o600)  # the old CA certificate no wider than its key
                    os.rename(source, target)
        removed = [path for path in [self.files('ca_bundle')[0]] + [self.path('clients', n) for n in revoked]
                   if os.path.lexists(path)]
        ledger = self._revoked_before()
        if not self.check_mode:
            for path in removed:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
            if set(revoked) - set(ledger):
                self._mkdir('archive')
                names = json.dumps(sorted(set(ledger) | set(revoked))) + '\n'
                write_atomic(self.files('revoked_ledger')[0], names.encode('utf-8'), 0o600)
            self._write_record(None)
        self.changed_paths.extend(archived + removed + [self.files('rollover')[0]])
        for name in revoked:
            results['clients'][name] = dict(state='absent', reasons=['client_revoked'],
                                            changed=self.path('clients', name) in removed)
        return archived

    def _issue(self, pool, names, server_requests, client_names, client_requests, ca_request, rollover, revoked):
        self._mkdir()
        ca_plan = tls_cert.CertificatePlan(ca_request, *self.files('ca'), ca_passphrase=self.ca_passphrase,
                                           key_pool=pool)
        if not self.ca_key_type_set and ca_plan.current_key is not None:
            ca_request = self._request_keeping_key(ca_request, ca_plan.current_key)
            ca_plan.request = ca_request  # before its reasons are first worked out
        old_ca = None
        if rollover['start']:
            old_ca = self._start_rollover(ca_plan, rollover)
        elif rollover['phase'] != ROLLOVER_NONE or rollover['finish']:
            old_ca = tls_cert.CertificatePlan._load_ca(*self.files('ca_previous'), passphrase=self.ca_passphrase) \
                if os.path.exists(self.files('ca_previous')[0]) else None
        if old_ca is not None and ca_plan.current_cert is not None and \
                tls_cert.fingerprint_sha256(ca_plan.current_cert) == tls_cert.fingerprint_sha256(old_ca[0]):
            # The rollover's new CA: a new key and certificate (not yet written when a run died after the record).
            ca_plan = tls_cert.CertificatePlan(ca_request, *self.files('ca'), ca_passphrase=self.ca_passphrase,
                                               key_pool=pool, force=True, regenerate_key=True)
            ca_backups = None
        else:
            ca_backups = self._guard_ca_replacement(ca_plan, ca_request)
        ca_result, ca = self._apply(ca_plan, 'CA')
        if ca_backups is None:  # not force and regenerate_key: why the new CA is made
            ca_result['reasons'], ca_backups = list(rollover['reasons']), []
        ca_result['backups'] = ca_backups
        results = {'ca': ca_result, 'servers': {}, 'clients': {}}
        in_rollover = rollover['phase'] != ROLLOVER_NONE or rollover['finish']
        for name, request in zip(names, server_requests):
            self._mkdir('hosts', name)
            plan = tls_cert.CertificatePlan(request, *self.files('server', name), force=self.force, ca=ca,
                                            key_pool=pool)
            result = self._apply(plan, name)[0]
            if in_rollover and 'ca_changed' in result['reasons']:
                result['reasons'].append('ca_rollover')
            # Names and addresses the previous certificate had and this one lacks: clients dialling them
            # fail verification from the host's next restart, so the module warns naming them.
            kept = set(result.get('subject_alt_names') or [])
            result['removed_sans'] = [san for san in (result.get('before') or {}).get('subject_alt_names') or []
                                      if san not in kept]
            results['servers'][name] = result
        ca_bytes = tls_cert.cert_pem(ca[0])
        client_ca = ca
        if rollover['phase'] == 'trust-both' and old_ca is not None:
            # Clients keep certificates of the old CA (every daemon still trusts it) and trust both CAs (a
            # restarted daemon serves a certificate of the new one); hosts get the same bundle.
            client_ca = old_ca
            ca_bytes = ca_bytes + tls_cert.cert_pem(old_ca[0])
            bundle_path = self.files('ca_bundle')[0]
            if read_file(bundle_path) != ca_bytes:
                self.changed_paths.append(bundle_path)
                if not self.check_mode:
                    write_atomic(bundle_path, ca_bytes, 0o644)
        for name, request in zip(client_names, client_requests):
            self._mkdir('clients', name)
            # A revoked client listed again: the key its revoked certificate was issued for may have leaked.
            plan = tls_cert.CertificatePlan(request, *self.files('client', name), force=self.force, ca=client_ca,
                                            key_pool=pool, regenerate_key=name in rollover['rekey'])
            results['clients'][name] = self._apply(plan, name)[0]
            if in_rollover and 'ca_changed' in results['clients'][name]['reasons']:
                results['clients'][name]['reasons'].append('ca_rollover')
            # The bundle carries the CA certificate, as ~/.docker/ca.pem wants it.
            bundle_ca = self.path('clients', name, 'ca.pem')
            if read_file(bundle_ca) != ca_bytes:
                self.changed_paths.append(bundle_ca)
                results['clients'][name]['changed'] = True
                if not self.check_mode:
                    write_atomic(bundle_ca, ca_bytes, 0o644)
        for name in revoked:
            # client_revoked only once the rollover in force revokes it: one revoked in drop-old holds a
            # certificate of the new CA, which this rollover leaves trusted (rollover.revoked_next).
            revoking = in_rollover and name not in rollover['revoked_next']
            results['clients'][name] = dict(state='absent', reasons=['client_revoked'] if revoking else [],
                                            changed=False)
        archived = []
        if rollover['finish']:
            archived = self._finish_rollover(rollover['finished_record'], results, client_names)
            if rollover['chain']:
                self._start_rollover(ca_plan, dict(record=rollover['chain']))
                rollover = dict(rollover, record=rollover['chain'], phase='trust-both', start=True,
                                reasons=list(rollover['chain']['reasons']), pending=list(rollover['chain']['hosts']))
        elif rollover['record'] is not None and not rollover['start']:
            if rollover['record'] != self._read_record():
                self.changed_paths.append(self.files('rollover')[0])
                if not self.check_mode:
                    self._write_record(rollover['record'])
        record = rollover['record'] or rollover.get('finished_record') or {}
        results['rollover'] = dict(
            phase=rollover['phase'], started=rollover['start'], finished=rollover['finish'],
            reasons=rollover['reasons'], pending=rollover['pending'], done=record.get('done', []),
            revoked=record.get('revoked', []), archived=archived, revoked_next=rollover['revoked_next'],
            rekeyed=rollover['rekey'],
            # What each host must trust in this phase (a file of the layout files() defines).
            host_ca=(self.files('ca_bundle')[0] if rollover['phase'] == 'trust-both' else self.files('ca')[0]))
        results['changed'] = bool(self.changed_paths)
        return results


def run_pki(module):
    """docker_tls_pki: the whole PKI under module.params['dir']; the result, or fail_json."""
    p = module.params
    pki = PKI(p['dir'], key_type=p['key_type'], key_size=p['key_size'], curve=p['curve'],
              valid_days=p['valid_days'], renew_before_days=p['renew_before_days'], ca_valid_days=p['ca_valid_days'],
              ca_common_name=p['ca_common_name'], ca_passphrase=p['ca_passphrase'], force=p['force'],
              check_mode=module.check_mode, ca_key_type=p['ca_key_type'], ca_key_size=p['ca_key_size'],
              ca_curve=p['ca_curve'], ca_replace=p['ca_replace'], ca_rollover=p['ca_rollover'],
              revoke_unlisted=p['revoke_unlisted'])
    try:
        if p['rollover_host_done']:
            if not p['rollover_phase']:
                module.fail_json(msg='rollover_host_done: set rollover_phase too (the phase the host finished: %s).'
                                 % ', '.join(ROLLOVER_PHASES))
            return pki.record_host_done(p['rollover_phase'], p['rollover_host_done'])
        result = pki.converge(p['servers'], p['clients'])
    except tls_cert.CertificateError as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(msg='Writing under dir %s failed: %s' % (p['dir'], exc))
    for index, name in result.pop('unrevoked', []):
        module.warn('clients[%d] (%s): state is absent, but there is no bundle of it under %s and no finished '
                    'rollover revoked it: there is nothing on disk to revoke. A certificate issued for it earlier (a '
                    'bundle deleted by hand, a copy elsewhere) stays valid until a CA rollover: run rotate_ca.yml '
                    '(pki role: docker_pki_ca_rollover: true; module: ca_rollover: true).'
                    % (index, name, os.path.join(p['dir'], 'clients')))
    left_out = [name for name in result['rollover']['pending'] if name not in result['servers']]
    if left_out:
        module.warn('The CA rollover (phase %s) waits for %s, not in this run: it stays unfinished, and those hosts '
                    'trust the old CA, until a run includes them (no --limit), or, for a host that is gone for good, '
                    'until %s is removed.' % (result['rollover']['phase'], ', '.join(left_out),
                                              ', '.join(os.path.join(p['dir'], 'hosts', name) for name in left_out)))
    rekeyed = result['rollover']['rekeyed']
    if rekeyed:
        module.warn('%s: revoked by the CA rollover in progress and listed present again: %s a new key (the old one '
                    'may have leaked, with the certificate revoked for it); the bundle must be installed again (the '
                    'client role does).' % (', '.join(rekeyed), 'gets' if len(rekeyed) == 1 else 'each gets'))
    late = result['rollover']['revoked_next']
    if late:
        indexes = dict((client.get('name'), index) for index, client in enumerate(p['clients']))
        module.warn('%s: revoked while the CA rollover in progress drops the old CA; %s certificate is from the new '
                    'CA already, so this rollover cannot revoke it. %s' % (
                        ', '.join('clients[%d].state (%s)' % (indexes.get(name, -1), name) for name in late),
                        'its' if len(late) == 1 else 'each one\'s',
                        'A rollover of their own has started: run again to carry it out.'
                        if result['rollover']['started'] else
                        'The rollover in progress must finish first; a rollover of their own starts when it does: '
                        'run again until no rollover is in progress.'))
    removed = ['%s (%s)' % (name, ', '.join(server['removed_sans']))
               for name, server in sorted(result['servers'].items()) if server.get('removed_sans')]
    if removed:
        module.warn('Server certificates %s without names or addresses the previous ones had: %s. Clients that '
                    'dial those get a certificate error once the daemon loads the new certificate; to keep them, '
                    'list them in the server\'s subject_alt_names (pki role: docker_tls_extra_sans).'
                    % ('would be re-issued' if module.check_mode else 're-issued', '; '.join(removed)))
    return result


def resolve_paths(params):
    """path/key_path/ca_path/ca_key_path from docker_tls_cert's options, with Docker's names under dir."""
    kind, directory = params['kind'], params['dir']
    cert_name, key_name = DOCKER_FILE_NAMES[kind]
    path = params['path'] or (os.path.join(directory, cert_name) if directory else None)
    key_path = params['key_path'] or (os.path.join(directory, key_name) if directory else None)
    ca_path = params['ca_path'] or (os.path.join(directory, 'ca.pem') if directory and kind != 'ca' else None)
    ca_key_path = params['ca_key_path'] or (
        os.path.join(directory, 'ca-key.pem') if directory and kind != 'ca' else None)
    return path, key_path, ca_path, ca_key_path


def check_writable(path, option):
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise tls_cert.CertificateError('%s: the directory %s does not exist; create it first.' % (option, directory))
    if not os.access(directory, os.W_OK | os.X_OK):
        raise tls_cert.CertificateError('%s: the directory %s is not writable by this user.' % (option, directory))
    if os.path.isdir(path):
        raise tls_cert.CertificateError('%s: %s is a directory, not a file.' % (option, path))


def check_own_file(path, option):
    """Refuse a symbolic link, or a regular file with other hard links, at path: its owner and mode are
    set below (set_fs_attributes_if_different follows links), and a link planted by a user who can write
    to the directory would hand that user another file (another key) or change its mode."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        what = 'a symbolic link'
    elif stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
        what = 'a file with %d hard links' % st.st_nlink
    else:
        return
    raise tls_cert.CertificateError(
        '%s: %s is %s; refusing to read it or set its owner and mode (it may lead to another file, planted by a user '
        'who can write to %s). Remove it and run again, or point %s at the file itself.'
        % (option, path, what, os.path.dirname(os.path.abspath(path)), option))


def issue_certificate(module):
    """docker_tls_cert: one certificate (and its key) decided, issued if it must be, written with
    write_outcome, then given the file modes, owner and group the Ansible way; the result, or fail_json."""
    params = module.params
    path, key_path, ca_path, ca_key_path = resolve_paths(params)
    if os.path.abspath(path) == os.path.abspath(key_path):
        module.fail_json(msg='path and key_path name the same file; the key and the certificate need a file each.')
    # Held until the files are written: parallel runs on the same files take turns, and the second
    # decides again after the first has written.
    with DirectoryLock(os.path.dirname(os.path.abspath(path))):
        try:
            check_own_file(path, 'path')
            check_own_file(key_path, 'key_path')
            request = tls_cert.CertificateRequest(
                params['kind'], common_name=params['common_name'], organization=params['organization'],
                organizational_unit=params['organizational_unit'], subject_alt_names=params['subject_alt_names'],
                key_type=params['key_type'], key_size=params['key_size'], curve=params['curve'],
                valid_days=params['valid_days'], renew_before_days=params['renew_before_days'])
            plan = tls_cert.CertificatePlan(
                request, path, key_path, ca_path=ca_path, ca_key_path=ca_key_path,
                ca_passphrase=params['ca_passphrase'], force=params['force'],
                regenerate_key=params['regenerate_key'])
            reasons = plan.reasons()
            before = tls_cert.certificate_facts(plan.current_cert)
            after = before
            if reasons:
                check_writable(path, 'path')
                check_writable(key_path, 'key_path')
                _key, cert, writes = plan.outcome()
                after = tls_cert.certificate_facts(cert)
                if not module.check_mode:
                    write_outcome(writes)
        except tls_cert.CertificateError as exc:
            module.fail_json(msg=str(exc), path=path, key_path=key_path)
        except OSError as exc:
            module.fail_json(msg='Writing %s or %s failed: %s' % (path, key_path, exc), path=path, key_path=key_path)

    changed = bool(reasons)
    # Modes, owner and group the Ansible way (check mode only reports); keys are staged 0600 and
    # stay so unless key_mode says otherwise.
    cert_args = module.load_file_common_arguments(params, path=path)
    if cert_args.get('mode') is None:
        cert_args['mode'] = '0644'
    key_args = module.load_file_common_arguments(params, path=key_path)
    key_args['mode'] = params['key_mode']
    for file_args, option in ((key_args, 'key_path'), (cert_args, 'path')):
        if os.path.exists(file_args['path']):
            try:  # again: the directory's owner may have swapped a file in since the lock was released
                check_own_file(file_args['path'], option)
            except tls_cert.CertificateError as exc:
                module.fail_json(msg=str(exc), path=path, key_path=key_path)
            changed = module.set_fs_attributes_if_different(file_args, changed)
    result = dict(changed=changed, reasons=reasons, path=path, key_path=key_path)
    result.update(after)
    if module._diff:
        keys = ('subject', 'issuer', 'subject_alt_names', 'not_after', 'serial')
        result['diff'] = dict(before=dict((k, before.get(k)) for k in keys),
                              after=dict((k, after.get(k)) for k in keys))
    return result
