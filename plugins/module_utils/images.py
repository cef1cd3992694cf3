# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image references, the image operations shared by docker_api_image and docker_api_container,
and the backends of docker_api_image and docker_api_image_info.

Plain Python over :class:`EngineClient`: parse a reference, decide, then call the API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import re
import tarfile

from urllib.parse import quote

from ansible_collections.tprov.docker.plugins.module_utils.api_query import list_params
from ansible_collections.tprov.docker.plugins.module_utils.errors import EngineError, InvalidOption

# distribution/reference's grammar, in the pieces the daemon checks.
_COMPONENT = r'[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*'
_DOMAIN_COMPONENT = r'(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
_DOMAIN = r'(?:%s(?:\.%s)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?' % (_DOMAIN_COMPONENT, _DOMAIN_COMPONENT)
_NAME_RE = re.compile(r'^(?:%s/)?%s(?:/%s)*$' % (_DOMAIN, _COMPONENT, _COMPONENT))
_TAG_RE = re.compile(r'^[\w][\w.-]{0,127}$')
_DIGEST_RE = re.compile(r'^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$')
_IMAGE_ID_RE = re.compile(r'^(?:sha256:)?[a-f0-9]{12,64}$')


class ImageReferenceError(InvalidOption):
    """An image name, tag or digest that the daemon would refuse."""


class ImageReference(object):
    """repository plus a tag or a digest, or a bare image id."""

    def __init__(self, repository, tag=None, digest=None, image_id=None):
        self.repository = repository
        self.tag = tag
        self.digest = digest
        self.image_id = image_id

    def __str__(self):
        if self.image_id:
            return self.image_id
        if self.digest:
            return '%s@%s' % (self.repository, self.digest)
        return '%s:%s' % (self.repository, self.tag)

    @property
    def path_segment(self):
        """The reference quoted for use inside an API path (/images/{name}/json)."""
        return quote(str(self), safe='')


def parse_image_reference(name, tag='latest', option='name'):
    """Parse ``name`` (``repo``, ``repo:tag``, ``repo@sha256:...`` or an image id).

    A tag or digest inside ``name`` wins over ``tag``, as for community.docker.  Raises
    :class:`ImageReferenceError` naming ``option`` when the daemon would refuse the text.
    """
    if not isinstance(name, str) or not name.strip():
        raise ImageReferenceError('%s must be an image name such as busybox or registry:5000/team/app:1.2.' % option)
    name = name.strip()
    if _IMAGE_ID_RE.match(name) and (name.startswith('sha256:') or len(name) == 64):
        return ImageReference(None, image_id=name if name.startswith('sha256:') else 'sha256:' + name)
    digest = None
    if '@' in name:
        name, digest = name.split('@', 1)
        if not _DIGEST_RE.match(digest):
            raise ImageReferenceError('%s: %r is not a digest (expected sha256:<64 hex digits>).' % (option, digest))
    last = name.rsplit('/', 1)[-1]
    if ':' in last:
        name, tag = name.rsplit(':', 1)
        tag_from = option
    else:
        tag_from = 'tag'
    if not _NAME_RE.match(name):
        hint = ' Repository names must be lowercase.' if name.lower() != name else ''
        raise ImageReferenceError(
            '%s: %r is not a valid image repository name (letters a-z, digits, and . _ - separators, '
            'optionally behind a registry host[:port]/).%s' % (option, name, hint))
    if len(name) > 255:
        raise ImageReferenceError('%s: the repository name is longer than 255 characters.' % option)
    if digest:
        return ImageReference(name, digest=digest)
    tag = 'latest' if tag is None or tag == '' else str(tag)
    if not _TAG_RE.match(tag):
        raise ImageReferenceError(
            '%s: %r is not a valid tag (up to 128 of letters, digits, _ . -, not starting with . or -).'
            % (tag_from, tag))
    return ImageReference(name, tag=tag)


def registry_auth_header(username, password, server=None, identity_token=None):
    """The X-Registry-Auth header value: base64url of the auth JSON, as the daemon expects."""
    payload = {}
    if identity_token:
        payload['identitytoken'] = identity_token
    else:
        payload['username'] = username or ''
        payload['password'] = password or ''
    if server:
        payload['serveraddress'] = server
    return base64.urlsafe_b64encode(json.dumps(payload).encode('utf-8')).decode('ascii')


class ArchiveImage(object):
    """One image inside a ``docker save`` archive."""

    def __init__(self, image_id, repo_tags):
        self.image_id = image_id
        self.repo_tags = repo_tags


def read_archive_manifest(path):
    """The images in a ``docker save`` tar (plain or compressed), from its manifest.json.

    Knowing the image ids before loading is what makes ``source: load`` idempotent without
    uploading the archive again.  Handles both the classic (``<hex>.json``) and the OCI
    (``blobs/sha256/<hex>``) layouts that different engine generations write.
    """
    try:
        with tarfile.open(path, 'r:*') as archive:
            try:
                member = archive.getmember('manifest.json')
            except KeyError:
                member = None
                for candidate in archive.getmembers():
                    if candidate.name.lstrip('./') == 'manifest.json':
                        member = candidate
                        break
            if member is None:
                raise InvalidOption('load_path %s is not an image archive made by docker save '
                                    '(it has no manifest.json). Note: docker export archives are filesystem '
                                    'snapshots; import them with docker import instead.' % path)
            manifest = json.loads(archive.extractfile(member).read().decode('utf-8'))
    except (IOError, OSError) as exc:
        raise InvalidOption('load_path %s cannot be read: %s' % (path, getattr(exc, 'strerror', None) or exc))
    except tarfile.TarError as exc:
        raise InvalidOption('load_path %s is not a tar archive: %s' % (path, exc))
    except ValueError as exc:
        raise InvalidOption('load_path %s has a manifest.json that is not JSON: %s' % (path, exc))
    images = []
    if not isinstance(manifest, list):
        raise InvalidOption('load_path %s has a manifest.json that is not a list of images (made by docker save?).'
                            % path)
    for index, entry in enumerate(manifest):
        if not isinstance(entry, dict) or not isinstance(entry.get('Config') or '', str) \
                or not isinstance(entry.get('RepoTags') or [], list):
            raise InvalidOption('load_path %s: entry %d of manifest.json is not an image (an object with Config and '
                                'RepoTags); the archive is damaged or not made by docker save.' % (path, index))
        config = entry.get('Config') or ''
        hex_id = config.rsplit('/', 1)[-1]
        if hex_id.endswith('.json'):
            hex_id = hex_id[:-len('.json')]
        if not re.match(r'^[a-f0-9]{64}$', hex_id):
            raise InvalidOption('load_path %s: manifest.json names config %r, which is not a sha256 blob.'
                                % (path, config))
        images.append(ArchiveImage('sha256:' + hex_id, list(entry.get('RepoTags') or [])))
    if not images:
        raise InvalidOption('load_path %s holds no images (its manifest.json is empty).' % path)
    return images


class ImageService(object):
    """Image operations over one EngineClient, each honest about check mode.

    Every method returns ``(changed, image_after)``; ``actions`` collects what was (or in check
    mode would be) done, in words.
    """

    def __init__(self, client, check_mode=False):
        self.client = client
        self.check_mode = check_mode
        self.actions = []

    def inspect(self, reference):
        """Inspect data for a reference (str or ImageReference), or None when absent."""
        ref = reference if isinstance(reference, ImageReference) else parse_image_reference(reference)
        return self.client.get_json_or_none('/images/%s/json' % ref.path_segment)

    def pull(self, ref, force=False, auth_header=None, platform=None, current=None):
        """Make ``ref`` present by pulling it; pull again only when ``force``."""
        if current is None:
            current = self.inspect(ref)
        if current is not None and not force:
            return False, current
        if self.check_mode:
            self.actions.append('Pulled image %s' % ref)
            return True, current
        params = {'fromImage': ref.repository}
        params['tag'] = ref.digest or ref.tag
        if platform:
            params['platform'] = platform
        headers = {'X-Registry-Auth': auth_header} if auth_header else None
        self.client.stream_json('POST', '/images/create', params=params, headers=headers, timeout=max(self.client.settings.timeout, 600))
        # Listed once the daemon reports the pull done: a failed pull is not an action taken.
        after = self.inspect(ref)
        if after is None:
            self.actions.append('Pulled image %s' % ref)
            raise EngineError('Pulled %s, but the daemon does not show it afterwards.' % ref)
        changed = current is None or current.get('Id') != after.get('Id')
        self.actions.append('Pulled image %s%s' % (ref, '' if changed else ' (unchanged)'))
        return changed, after

    def load(self, ref, load_path, force=False, current=None):
        """Make ``ref`` present from a ``docker save`` archive, loading only when its id differs."""
        images = read_archive_manifest(load_path)
        wanted = str(ref)
        chosen = [img for img in images if wanted in img.repo_tags]
        if not chosen:
            if len(images) != 1:
                raise InvalidOption('load_path %s holds %d images, none tagged %s (it has: %s). Set name and tag '
                                    'to one of them.' % (load_path, len(images), wanted,
                                                         ', '.join(t for i in images for t in i.repo_tags) or 'untagged images'))
            chosen = images
        archive_image = chosen[0]
        if current is None:
            current = self.inspect(ref)
        if current is not None and current.get('Id') == archive_image.image_id and not force:
            return False, current
        # The archive may already be loaded under other names: then tagging is enough.
        existing = self.client.get_json_or_none('/images/%s/json' % quote(archive_image.image_id, safe=''))
        if existing is None or force:
            self.actions.append('Loaded image %s from %s' % (wanted, load_path))
            if not self.check_mode:
                with open(load_path, 'rb') as stream:
                    self.client.stream_json('POST', '/images/load', params={'quiet': '1'}, data=stream,
                                            headers={'Content-Type': 'application/x-tar'},
                                            timeout=max(self.client.settings.timeout, 600))
        # Loading sets the archive's own tags; when nothing was loaded (the image was present,
        # perhaps untagged after the tag moved on) or the archive lacks the name, tag it here.
        if (existing is not None and not force) or wanted not in archive_image.repo_tags:
            self.tag(archive_image.image_id, ref)
        # Known before any call, so check mode predicts it exactly: a forced reload of the
        # same image changes nothing on the host.
        changed = current is None or current.get('Id') != archive_image.image_id
        if self.check_mode:
            return changed, existing or current
        after = self.inspect(ref)
        if after is None:
            raise EngineError('Loaded %s, but the daemon does not show %s afterwards.' % (load_path, wanted))
        return changed, after

    def tag(self, source_id, target):
        """Point ``target`` (an ImageReference with a tag) at ``source_id``; no call when it already does."""
        current = self.inspect(target)
        if current is not None and current.get('Id') == source_id:
            return False, current
        self.actions.append('Tagged image %s as %s' % (source_id, target))
        if self.check_mode:
            return True, current
        self.client.post('/images/%s/tag' % quote(source_id, safe=''),
                         params={'repo': target.repository, 'tag': target.tag})
        return True, self.inspect(target)

    def remove(self, ref, force=False, current=None):
        """Remove ``ref``; unchanged when it is not there."""
        if current is None:
            current = self.inspect(ref)
        if current is None:
            return False, None
        self.actions.append('Removed image %s' % ref)
        if not self.check_mode:
            self.client.delete('/images/%s' % ref.path_segment,
                               params={'force': 'true' if force else 'false', 'noprune': 'false'})
        return True, None

    def converge(self, params):
        """docker_api_image's whole job: (changed, before, after, reference)."""
        ref = parse_image_reference(params['name'], params['tag'])
        target = parse_image_reference(params['repository'], params['tag'], option='repository') \
            if params.get('repository') else None
        if target is not None and (target.digest or target.image_id):
            raise InvalidOption('repository must be a name with an optional tag, not a digest or an image id.')
        if params['state'] == 'absent' and target is not None:
            raise InvalidOption('repository tags an image, so it goes with state=present only.')
        if ref.image_id and params['state'] == 'present':
            raise InvalidOption('name %s is an image id: give a repository name (and tag) to pull or load.'
                                % params['name'])
        if params['state'] == 'present' and params.get('source') == 'load' and not params.get('load_path'):
            raise InvalidOption('source is load but load_path is missing: name the docker save archive to load.')
        before = self.inspect(ref)
        if params['state'] == 'absent':
            changed, after = self.remove(ref, force=params['force'], current=before)
        elif params['source'] == 'load':
            changed, after = self.load(ref, params['load_path'], force=params['force'], current=before)
        else:
            auth = None
            if params.get('registry_username'):
                auth = registry_auth_header(params['registry_username'], params['registry_password'],
                                            params.get('registry_server'))
            changed, after = self.pull(ref, force=params['force'], auth_header=auth,
                                       platform=params.get('platform'), current=before)
        if target is not None and params['state'] == 'present':
            source_id = (after or {}).get('Id')
            if source_id:
                changed = self.tag(source_id, target)[0] or changed
            elif self.check_mode:
                self.actions.append('Tagged image %s as %s' % (ref, target))
                changed = True
        return changed, before, after, ref


# The options of docker_api_image (and of each images entry of docker_api_containers), and the rules
# between them.
IMAGE_ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    tag=dict(type='str', default='latest'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    source=dict(type='str', default='pull', choices=['pull', 'load']),
    load_path=dict(type='path'),
    force=dict(type='bool', default=False),
    repository=dict(type='str'),
    platform=dict(type='str'),
    registry_username=dict(type='str'),
    registry_password=dict(type='str', no_log=True),
    registry_server=dict(type='str'),
)
IMAGE_MODULE_RULES = dict(
    required_if=[('source', 'load', ['load_path'])],
    required_together=[('registry_username', 'registry_password')],
)


def image_diff(params, ref, before, after):
    return dict(
        before={'name': str(ref), 'id': (before or {}).get('Id'), 'exists': before is not None},
        after={'name': str(ref), 'id': (after or {}).get('Id') if params['state'] == 'present' else None,
               'exists': params['state'] == 'present'},
    )


def converge_image(module, client):
    """docker_api_image's backend: converge the image; the module result."""
    service = ImageService(client, check_mode=module.check_mode)
    try:
        changed, before, after, ref = service.converge(module.params)
    except EngineError as exc:
        raise exc.with_details(actions=service.actions)
    result = dict(changed=changed, image=after or {}, actions=service.actions)
    if module._diff:
        result['diff'] = image_diff(module.params, ref, before, after)
    return result


IMAGE_INFO_ARGUMENT_SPEC = dict(
    name=dict(type='list', elements='str'),
    filters=dict(type='dict'),
    all=dict(type='bool', default=False),
    search=dict(type='str'),
    search_limit=dict(type='int', default=25),
)
IMAGE_INFO_MODULE_RULES = dict(mutually_exclusive=[('name', 'filters', 'search')])


def image_info(module, client):
    """docker_api_image_info's backend: inspect named images, search the hub, or list images."""
    params = module.params
    # Parse every name before the first request, so a bad one fails without side trips.
    references = [parse_image_reference(n, tag=None) for n in (params['name'] or [])]
    if params['search'] is not None:
        if not params['search'].strip():
            raise InvalidOption('search must be a non-empty term, e.g. search: busybox.')
        if params['search_limit'] < 1:
            raise InvalidOption('search_limit must be 1 or more.')
        query = {'term': params['search'], 'limit': str(params['search_limit'])}
        return dict(changed=False, search_results=client.get_json('/images/search', params=query))
    if params['name']:
        service = ImageService(client)
        images, missing = [], []
        for name, ref in zip(params['name'], references):
            data = service.inspect(ref)
            if data is None:
                missing.append(name)
            else:
                images.append(data)
        return dict(changed=False, images=images, missing=missing)
    return dict(changed=False, images=client.get_json('/images/json', params=list_params(params['all'], params['filters'])))
