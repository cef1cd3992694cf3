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

import os
import stat

from ansible_collections.tprov.docker.plugins.module_utils import tls_cert
from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import (
    DirectoryLock,
    back_up,
    backup_name,
    read_file,
    write_atomic,
    write_pair_atomic,
)

SAFE_NAME_CHARS = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@')


def write_outcome(writes):
    """Write a plan's outcome (tls_cert.CertificatePlan.outcome): one file atomically, or a key and its
    certificate as a pair - both change or neither, so a key never stands beside another key's certificate."""
    if len(writes) == 1:
        write_atomic(*writes[0])
    elif writes:
        write_pair_atomic(*writes)


def check_name(name, option):
    """Names become directory names: no separators, no dot-dot."""
    text = str(name or '')
    if not text or text in ('.', '..') or not set(text) <= SAFE_NAME_CHARS:
        raise tls_cert.CertificateError(
            '%s: %r cannot be used as a directory name; use letters, digits, ".", "-", "_" or "@".' % (option, name))
    return text


class PKI(object):

    def __init__(self, directory, key_type='ecdsa', key_size=2048, curve='secp256r1', valid_days=365,
                 renew_before_days=30, ca_valid_days=3650, ca_common_name='tprov.docker CA', ca_passphrase=None,
                 force=False, check_mode=False, ca_key_type=None, ca_key_size=None, ca_curve=None, ca_replace=False):
        self.directory = directory
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
        self.changed_paths = []

    def path(self, *parts):
        return os.path.join(self.directory, *parts)

    def files(self, kind, name=None):
        """(certificate, key) paths of the CA, a host's server certificate or a client bundle."""
        if kind == 'ca':
            return self.path('ca.pem'), self.path('ca-key.pem')
        if kind == 'server':
            return self.path('hosts', name, 'server-cert.pem'), self.path('hosts', name, 'server-key.pem')
        return self.path('clients', name, 'cert.pem'), self.path('clients', name, 'key.pem')

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
            return self._converge(servers, clients)

    def _converge(self, servers, clients):
        names = [check_name(s.get('name'), 'servers[%d].name' % i) for i, s in enumerate(servers)]
        client_names = [check_name(c.get('name'), 'clients[%d].name' % i) for i, c in enumerate(clients)]
        for option, listed in (('servers', names), ('clients', client_names)):
            if len(set(listed)) != len(listed):
                raise tls_cert.CertificateError('%s: a name is listed twice.' % option)
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

        # Keys that do not exist yet are made side by side while the rest is read (RSA: seconds each).
        key_paths = ([self.files('ca')[1]] + [self.files('server', name)[1] for name in names]
                     + [self.files('client', name)[1] for name in client_names])
        leaf = server_requests[0] if server_requests else (client_requests[0] if client_requests else ca_request)
        pool = tls_cert.KeyPool(sum(1 for path in key_paths if not os.path.exists(path)),
                                leaf.key_type, leaf.key_size, leaf.curve)
        try:
            return self._issue(pool, names, server_requests, client_names, client_requests, ca_request)
        finally:
            pool.close()

    def _issue(self, pool, names, server_requests, client_names, client_requests, ca_request):
        self._mkdir()
        ca_plan = tls_cert.CertificatePlan(ca_request, *self.files('ca'), ca_passphrase=self.ca_passphrase,
                                           key_pool=pool)
        if not self.ca_key_type_set and ca_plan.current_key is not None:
            ca_request = self._request_keeping_key(ca_request, ca_plan.current_key)
            ca_plan.request = ca_request  # before its reasons are first worked out
        ca_backups = self._guard_ca_replacement(ca_plan, ca_request)
        ca_result, ca = self._apply(ca_plan, 'CA')
        ca_result['backups'] = ca_backups
        results = {'ca': ca_result, 'servers': {}, 'clients': {}}
        for name, request in zip(names, server_requests):
            self._mkdir('hosts', name)
            plan = tls_cert.CertificatePlan(request, *self.files('server', name), force=self.force, ca=ca,
                                            key_pool=pool)
            result = self._apply(plan, name)[0]
            # Names and addresses the previous certificate had and this one lacks: clients dialling them
            # fail verification from the host's next restart, so the module warns naming them.
            kept = set(result.get('subject_alt_names') or [])
            result['removed_sans'] = [san for san in (result.get('before') or {}).get('subject_alt_names') or []
                                      if san not in kept]
            results['servers'][name] = result
        ca_bytes = tls_cert.cert_pem(ca[0])
        for name, request in zip(client_names, client_requests):
            self._mkdir('clients', name)
            plan = tls_cert.CertificatePlan(request, *self.files('client', name), force=self.force, ca=ca,
                                            key_pool=pool)
            results['clients'][name] = self._apply(plan, name)[0]
            # The bundle carries the CA certificate, as ~/.docker/ca.pem wants it.
            bundle_ca = self.path('clients', name, 'ca.pem')
            if read_file(bundle_ca) != ca_bytes:
                self.changed_paths.append(bundle_ca)
                results['clients'][name]['changed'] = True
                if not self.check_mode:
                    write_atomic(bundle_ca, ca_bytes, 0o644)
        results['changed'] = bool(self.changed_paths)
        return results


def run_pki(module):
    """docker_tls_pki: the whole PKI under module.params['dir']; the result, or fail_json."""
    p = module.params
    pki = PKI(p['dir'], key_type=p['key_type'], key_size=p['key_size'], curve=p['curve'],
              valid_days=p['valid_days'], renew_before_days=p['renew_before_days'], ca_valid_days=p['ca_valid_days'],
              ca_common_name=p['ca_common_name'], ca_passphrase=p['ca_passphrase'], force=p['force'],
              check_mode=module.check_mode, ca_key_type=p['ca_key_type'], ca_key_size=p['ca_key_size'],
              ca_curve=p['ca_curve'], ca_replace=p['ca_replace'])
    try:
        result = pki.converge(p['servers'], p['clients'])
    except tls_cert.CertificateError as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(msg='Writing under dir %s failed: %s' % (p['dir'], exc))
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
    cert_name, key_name = tls_cert.DOCKER_FILE_NAMES[kind]
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
