# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write and remove the Docker CLI contexts of a client bundle (docker_client_context), without the CLI.

Every directory and file goes through tls_files.FileInstaller - the collection's one write path into a
directory another user controls: no symlink followed that a user could have planted, owner and mode set
before content, atomic replacement. The store's layout and meta.json are docker_context.py's. Removal
opens each directory without following a link and unlinks only the names the CLI uses, in contexts whose
meta.json carries the collection's marker for the bundle.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import stat

from ansible_collections.tprov.docker.plugins.module_utils import docker_context
from ansible_collections.tprov.docker.plugins.module_utils.file_transaction import read_fd
from ansible_collections.tprov.docker.plugins.module_utils.tls_files import (
    FileEntry, FileInstaller, FilesError, open_directory)

# The modes the Docker CLI gives its store (cli/context/store): metadata readable, TLS material private.
META_DIR_MODE = 0o755
META_FILE_MODE = 0o644
TLS_DIR_MODE = 0o700
TLS_FILE_MODE = 0o600


def _open_child(dir_fd, name):
    """fd of directory name in dir_fd, not through a symlink; None when it is missing, a link or no directory."""
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR):
            return None
        raise


def _read_meta(dir_fd, where):
    """The parsed meta.json in the open directory dir_fd; None when there is none. Anything else there that is
    not a context's meta.json (a link, a special file, a huge or broken file) gives {} - no marker: not ours."""
    try:
        fd = os.open('meta.json', os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None
        if exc.errno == errno.ELOOP:
            return {}
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return {}
        content = read_fd(fd, docker_context.MAX_META_SIZE)
    finally:
        os.close(fd)
    if content is None:
        return {}
    try:
        return docker_context.parse_meta(content, where)
    except docker_context.ContextError:
        return {}


class ContextWriter(object):
    """The contexts of one client bundle in one Docker CLI configuration directory."""

    def __init__(self, config, bundle, owner=None, group=None, check_mode=False):
        if not os.path.isabs(config or ''):
            raise FilesError('config_dir: %r is not an absolute path.' % (config,))
        self.config = os.path.normpath(config)
        self.bundle = bundle
        self.owner = owner
        self.group = group
        self.check_mode = check_mode
        self.diff = []
        self.warnings = []

    def _path(self, *parts):
        return os.path.join(self.config, 'contexts', *parts)

    def _install(self, dest, dir_mode, files=()):
        """FileInstaller on dest: made (parent must exist) or corrected, files installed. (changed, made):
        made is True when dest does not exist yet, which in check mode ends the descent."""
        installer = FileInstaller(dest, list(files), dir_mode=dir_mode, owner=self.owner, group=self.group,
                                  check_mode=self.check_mode)
        exists = os.path.isdir(dest)
        result = installer.run()
        self.diff.extend(result['diff'])
        return result['changed'], not exists

    def _existing_meta(self, name):
        """The parsed meta.json of context name, or None; read without following a link."""
        fd = open_directory(self._path('meta', docker_context.context_id(name)))
        if fd is None:
            return None
        try:
            return _read_meta(fd, os.path.join(docker_context.meta_dir(self.config, name), 'meta.json'))
        finally:
            os.close(fd)

    def write(self, context, tls):
        """Write one context ({name, docker_host, host, description}) with tls ({ca.pem: bytes, ...});
        a result dict. A context of the same name the collection did not write is left alone (skipped)."""
        name = context['name']
        result = dict(name=name, host=context['host'], docker_host=context['docker_host'], changed=False)
        existing = self._existing_meta(name)
        if existing is not None and docker_context.marker(existing) is None:
            self.warnings.append('Docker context %r in %s was not made by tprov.docker; left as it is (set '
                                 'docker_client_context_name to another name to get one for %s).'
                                 % (name, self.config, context['host']))
            result['skipped'] = True
            return result
        meta = docker_context.context_meta(name, context['docker_host'], self.bundle, context['host'],
                                           context.get('description'))
        ident = docker_context.context_id(name)
        # The TLS files first, then meta.json: the CLI never sees the context without its certificates.
        steps = (
            (self._path(), META_DIR_MODE, ()),
            (self._path('tls'), TLS_DIR_MODE, ()),
            (self._path('tls', ident), TLS_DIR_MODE, ()),
            (self._path('tls', ident, docker_context.ENDPOINT), TLS_DIR_MODE,
             [FileEntry(index, filename, tls[filename], '%04o' % TLS_FILE_MODE)
              for index, filename in enumerate(docker_context.TLS_FILES)]),
            (self._path('meta'), META_DIR_MODE, ()),
            (self._path('meta', ident), META_DIR_MODE,
             [FileEntry(0, 'meta.json', docker_context.dump_meta(meta), '%04o' % META_FILE_MODE)]),
        )
        missing = []
        for dest, mode, files in steps:
            if any(dest.startswith(top + os.sep) for top in missing):
                result['changed'] = True  # check mode: below a directory still to make, everything is new
                continue
            changed, made = self._install(dest, mode, files)
            result['changed'] = result['changed'] or changed
            if made and self.check_mode:
                missing.append(dest)
        return result

    def remove(self, keep=(), keep_hosts=()):
        """Remove the contexts of this bundle (by the marker) whose names are not in keep and whose marked
        host is not in keep_hosts; their names."""
        meta_fd = open_directory(self._path('meta'))
        if meta_fd is None:
            return []
        removed = []
        try:
            for entry in sorted(os.listdir(meta_fd)):
                fd = _open_child(meta_fd, entry)
                if fd is None:
                    continue
                try:
                    meta = _read_meta(fd, self._path('meta', entry, 'meta.json'))
                finally:
                    os.close(fd)
                mark = None if not meta else docker_context.marker(meta)
                if (mark is None or mark['bundle'] != self.bundle or meta['Name'] in keep
                        or mark.get('host') in keep_hosts or docker_context.context_id(meta['Name']) != entry):
                    continue
                if not self.check_mode:
                    self._remove_one(meta_fd, entry, meta['Name'])
                removed.append(meta['Name'])
        finally:
            os.close(meta_fd)
        return removed

    def _remove_one(self, meta_fd, ident, name):
        # The TLS files first: a run stopped half-way leaves meta.json, found and removed by the next.
        tls_fd = open_directory(self._path('tls'))
        if tls_fd is not None:
            try:
                self._remove_tree(tls_fd, ident, (docker_context.ENDPOINT,), docker_context.TLS_FILES, name)
            finally:
                os.close(tls_fd)
        self._remove_tree(meta_fd, ident, (), ('meta.json',), name)
        self.diff.append(dict(before_header=self._path('meta', ident), after_header=self._path('meta', ident),
                              before='Docker context %s (tprov.docker, bundle %s)\n' % (name, self.bundle),
                              after=''))

    def _remove_tree(self, parent_fd, ident, subdirs, names, context):
        """Unlink names in parent/ident[/subdirs...] and remove those directories when they are empty.
        Nothing else is removed: a file a user added keeps its directory, with a warning."""
        fds = [_open_child(parent_fd, ident)]
        try:
            for sub in subdirs:
                if fds[-1] is None:
                    break
                fds.append(_open_child(fds[-1], sub))
            if fds[-1] is not None:
                for name in names:
                    try:
                        os.unlink(name, dir_fd=fds[-1])  # unlink never follows a link
                    except FileNotFoundError:
                        pass
            chain = [ident] + list(subdirs)
            for depth in range(len(fds) - 1, -1, -1):
                holder = parent_fd if depth == 0 else fds[depth - 1]
                if fds[depth] is None:
                    continue
                try:
                    os.rmdir(chain[depth], dir_fd=holder)
                except OSError as exc:
                    if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                        raise
                    self.warnings.append('Docker context %s: %s holds files tprov.docker did not write; it is '
                                         'left in place.' % (context, os.path.join(self.config, 'contexts', '...',
                                                                                   *chain[:depth + 1])))
                    break
        finally:
            for fd in fds:
                if fd is not None:
                    os.close(fd)


def _contexts(specs):
    """The contexts option checked (names usable and distinct), each with its host."""
    seen = set()
    contexts = []
    for index, spec in enumerate(specs):
        name = spec['name']
        if not name or '/' in name or name in seen or name == 'default':
            raise FilesError('contexts[%d].name: %r is not a usable context name (empty, a "/", "default" '
                             'or given twice).' % (index, name))
        seen.add(name)
        contexts.append(dict(spec, host=spec.get('host') or name))
    return contexts


def run(module):
    """docker_client_context: write (state present) or remove (state absent) the bundle's contexts."""
    p = module.params
    writer = None
    try:
        contexts = _contexts(p['contexts']) if p['state'] == 'present' else []
        tls = {}
        for part, filename in zip(('ca', 'cert', 'key'), docker_context.TLS_FILES):
            if contexts and p[part + '_content'] is None:
                raise FilesError('%s_src (or %s_content): the bundle\'s %s is needed to write a context.'
                                 % (part, part, filename))
            tls[filename] = p[part + '_content']
        writer = ContextWriter(p['config_dir'], p['bundle'], owner=p['owner'], group=p['group'],
                               check_mode=module.check_mode)
        config_fd = open_directory(writer.config)
        if config_fd is None:
            if p['state'] == 'absent':
                return dict(changed=False, removed=[], contexts=[])  # no directory, no contexts to remove
            if module.check_mode:
                # The bundle's directory is made by the task before this one, which check mode did not run.
                return dict(changed=bool(contexts), removed=[],
                            contexts=[dict(name=c['name'], host=c['host'], docker_host=c['docker_host'], changed=True)
                                      for c in contexts])
            raise FilesError('config_dir: %s does not exist; install the client bundle there first (the client '
                             'role does) or create it.' % writer.config)
        os.close(config_fd)
        results = [writer.write(context, tls) for context in contexts]
        removed = []
        if p['state'] == 'absent':
            removed = writer.remove()
        elif p['prune']:
            # Kept: the contexts written now, and those of the hosts in keep_hosts that were not written now
            # (a host that failed earlier in the play keeps its context; a host written under a new name does not).
            written = set(c['host'] for c in contexts)
            removed = writer.remove(keep=[c['name'] for c in contexts],
                                    keep_hosts=[h for h in p['keep_hosts'] if h not in written])
    except FilesError as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(msg='config_dir %s: %s' % (p['config_dir'], exc))
    for warning in writer.warnings:
        module.warn(warning)
    result = dict(changed=any(c['changed'] for c in results) or bool(removed), contexts=results, removed=removed)
    if module._diff:
        result['diff'] = writer.diff
    return result
