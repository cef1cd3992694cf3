# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AnsibleModule every tprov.docker module is built with: no secret reaches the host's logs.

AnsibleModule writes "Invoked with ..." to syslog/journald on the managed host. It masks a
top-level no_log option, but logs any other option as ``str(value)``: a list of dicts holding a
multi-line no_log value (a PEM in ``files[].content``) is logged with its newlines escaped, so the
value no longer matches and lands in the journal in clear. Options whose entries are validated by
the module itself (``images[]``, ``containers[]``) are worse: their secrets are unknown to Ansible
when it logs, and when an earlier entry fails validation. Here:

- every no_log value at any depth (``options`` suboptions, and the entry specs a module validates
  itself) joins ``no_log_values`` as soon as the parameters are read, before any validation can
  fail, so ``invocation`` and every message are masked;
- the invocation log is built from the parameters with those values masked structurally, before
  anything is turned into text; it does not depend on ``no_target_syslog``.

The escaped forms of each secret (as ``repr`` and JSON write them) are registered too, so text
that shows a secret escaped is masked as well.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.basic import PASSWORD_MATCH, AnsibleModule, heuristic_log_sanitize, remove_values
from ansible.module_utils.common.validation import check_type_dict
from ansible.module_utils.parsing.convert_bool import boolean

MASKED = 'NOT_LOGGING_PARAMETER'


def _leaves(value, found):
    """Every scalar inside a no_log value, as text (what Ansible's masking compares)."""
    if isinstance(value, dict):
        for item in value.values():
            _leaves(item, found)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            _leaves(item, found)
    elif value is not None and not isinstance(value, bool):
        text = value.decode('utf-8', 'replace') if isinstance(value, bytes) else str(value)
        if text:
            found.add(text)
            # The forms a secret takes inside str(list) and JSON text: newlines become \n.
            for escaped in (repr(text)[1:-1], json.dumps(text)[1:-1]):
                if escaped != text:
                    found.add(escaped)


def _is_no_log(opts):
    return boolean(opts.get('no_log', False) or False, strict=False)


def _option_keys(name, opts):
    return [name] + list(opts.get('aliases') or [])


def secret_values(params, spec, entry_specs=None):
    """The values of every no_log option in params, at any depth, read before any validation.

    ``entry_specs`` maps a list/dict option whose entries the module validates itself to the
    argument spec of one entry.
    """
    found = set()
    _collect(params, spec, entry_specs or {}, found)
    return found


def _known_keys(spec):
    return set(key for name, opts in spec.items() if isinstance(opts, dict) for key in _option_keys(name, opts))


def _as_dict(text):
    """The dict validation makes of a string entry (``k=v k2=v2`` or JSON), or None."""
    try:
        value = check_type_dict(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _collect(params, spec, entry_specs, found, entry=False):
    """Register the no_log values of params; ``entry``: params is one item under a sub-spec.

    An item that validation will refuse is refused only after the log line and, for the entries a
    module validates itself, after earlier entries failed: so the parts of it whose meaning is
    unknown (a key not in the spec such as a typo ``registry_pasword``, a mapping given where a
    list of entries is expected, a list) are registered whole. Such a run fails anyway, so masking
    more than needed only costs readability of its error.
    """
    if entry and isinstance(params, str):
        converted = _as_dict(params)
        if converted is None:
            # A plain word (an image name given as a string) is kept readable; text with blanks or
            # '=' that is no k=v list may be key material (a PEM given as the entry itself).
            if any(c.isspace() or c == '=' for c in params):
                _leaves(params, found)
            return
        params = converted
    if not isinstance(spec, dict):
        return
    if not isinstance(params, dict):
        if entry:
            _leaves(params, found)
        return
    known = _known_keys(spec)
    for key, value in params.items():
        # Ansible's own _ansible_* settings are not options; any other unknown key is refused by
        # validation, with its value in invocation unless registered.
        if key not in known and not (not entry and key.startswith('_ansible_')):
            _leaves(value, found)
    for name, opts in spec.items():
        if not isinstance(opts, dict):
            continue
        sub = opts.get('options') or entry_specs.get(name)
        for key in _option_keys(name, opts):
            if key not in params:
                continue
            if _is_no_log(opts):
                _leaves(params[key], found)
            elif sub:
                value = params[key]
                for item in (value if isinstance(value, list) else [value]):
                    _collect(item, sub, {}, found, entry=True)


def _masked(value, spec, entry=False):
    """value with every no_log suboption, and every key not in spec, replaced by MASKED (for the log)."""
    if isinstance(value, list) and not entry:
        return [_masked(item, spec, entry=True) for item in value]
    if isinstance(value, str):
        converted = _as_dict(value)
        if converted is None:
            return MASKED if any(c.isspace() or c == '=' for c in value) else value
        value = converted
    if not isinstance(value, dict):
        return MASKED
    keys = {}
    for name, opts in spec.items():
        if isinstance(opts, dict):
            for key in _option_keys(name, opts):
                keys[key] = opts
    masked = {}
    for key, item in value.items():
        opts = keys.get(key)
        if opts is None or _is_no_log(opts):  # an unknown key may be a misspelt password
            masked[key] = MASKED
        elif opts is not None and opts.get('options'):
            masked[key] = _masked(item, opts['options'])
        else:
            masked[key] = item
    return masked


class SafeModule(AnsibleModule):
    """AnsibleModule that registers nested secrets first and logs its invocation without them.

    ``entry_specs``: {option: argument spec of one entry} for list options the module validates
    entry by entry itself (docker_api_containers' images and containers).
    """

    def __init__(self, argument_spec, entry_specs=None, **kwargs):
        self._entry_specs = dict(entry_specs or {})
        super(SafeModule, self).__init__(argument_spec=argument_spec, **kwargs)

    def _load_params(self):
        super(SafeModule, self)._load_params()
        # Before AnsibleModule validates anything (and may fail_json with the invocation).
        self.no_log_values.update(secret_values(self.params, self.argument_spec, self._entry_specs))

    def _log_invocation(self):
        log_args = {}
        for name, value in self.params.items():
            opts = self.argument_spec.get(self.aliases.get(name, name)) or {}
            if _is_no_log(opts):
                log_args[name] = MASKED
                continue
            if opts.get('no_log') is None and PASSWORD_MATCH.search(name):
                log_args[name] = 'NOT_LOGGING_PASSWORD'
                continue
            sub = opts.get('options') or self._entry_specs.get(name)
            if sub:
                value = _masked(value, sub)
            value = remove_values(value, self.no_log_values)
            if not isinstance(value, str):
                try:
                    value = json.dumps(value, sort_keys=True, default=str)
                except (TypeError, ValueError):  # keys that cannot be sorted; the values are masked already
                    value = str(value)
            log_args[name] = heuristic_log_sanitize(value, self.no_log_values)
        words = ['%s=%s' % (name, value) for name, value in sorted(log_args.items())]
        self.log('Invoked with %s' % ' '.join(words) if words else 'Invoked', log_args=log_args)
