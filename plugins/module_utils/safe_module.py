# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The glue between Ansible and the collection: the only module_utils file that imports AnsibleModule.

It holds :class:`SafeModule` (below); engine_module.py builds the Engine API modules on it (their
connection options and ``main()``), so that a module that never speaks to the Engine API - such as
docker_daemon_config on the managed host - carries neither the HTTP client nor requests.

SafeModule is the AnsibleModule every tprov.docker module is built with: no secret reaches the
host's logs.

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
  anything is turned into text; it does not depend on ``no_target_syslog``;
- the values of mappings a module declares hidden (a container's ``env``, where DB passwords live)
  appear as the module's keyed digests, in the log line and in the result's ``invocation``. They
  are not no_log values: a short value such as ``1`` would then be masked in every message.

The escaped forms of each secret (as ``repr`` and JSON write them) are registered too, so text
that shows a secret escaped is masked as well.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.basic import (
    PASSWORD_MATCH,
    AnsibleModule,
    heuristic_log_sanitize,
    missing_required_lib,
    remove_values,
)
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


def _hide_mapping(value, show):
    """An option value whose mapping values are hidden: ``show(mapping)`` gives each value's digest.

    Wrong shapes are hidden too (validation refuses them only later): a ``k=v``/JSON string as the
    dict validation makes of it, a list of ``NAME=VALUE`` strings, any text, with everything after
    the first '=' digested.
    """
    def one(item):
        return show({'': item})['']

    def text(item):
        name, sep, rest = item.partition('=')
        return name + sep + one(rest) if sep else item

    if value is None:
        return None
    if isinstance(value, str):
        converted = _as_dict(value)
        return show(converted) if converted is not None else text(value)
    if isinstance(value, dict):
        return show(value)
    if isinstance(value, (list, tuple)):
        return [text(item) if isinstance(item, str) else _hide_mapping(item, show) for item in value]
    return one(value)


def hide_values(params, hidden):
    """params with the values of the hidden mappings replaced by digests (for logs and ``invocation``).

    ``hidden`` maps an option to ``show``, the function giving a mapping's hidden form, or to such
    a map for the keys of the option's entries (a dict, or a list of dicts or ``k=v`` strings).
    """
    if not hidden or not isinstance(params, dict):
        return params
    shown = dict(params)
    for key, how in hidden.items():
        if key not in shown:
            continue
        if callable(how):
            shown[key] = _hide_mapping(shown[key], how)
            continue
        value = shown[key]
        if isinstance(value, list):
            shown[key] = [hide_values(_entry_dict(item), how) for item in value]
        else:
            shown[key] = hide_values(_entry_dict(value), how)
    return shown


def _entry_dict(item):
    """An entry as validation reads it: a ``k=v``/JSON string becomes its dict."""
    if isinstance(item, str):
        converted = _as_dict(item)
        return item if converted is None else converted
    return item


def _with_aliases(hidden, spec):
    """``hidden`` keyed by every name an option answers to (its aliases as well)."""
    result = {}
    for name, how in (hidden or {}).items():
        opts = spec.get(name) if isinstance(spec, dict) else None
        opts = opts if isinstance(opts, dict) else {}
        if not callable(how):
            how = _with_aliases(how, opts.get('options') or {})
        for key in _option_keys(name, opts):
            result[key] = how
    return result


def unshaped_dict_options(params, spec):
    """The options with suboptions (type dict) whose value is neither a dictionary nor text that reads
    as one, with a message naming each: ansible-core's suboption validation raises a TypeError on a
    boolean or a number there (a traceback), and names no option for text that is no dictionary."""
    found = []
    for name, opts in spec.items():
        if not isinstance(opts, dict) or not opts.get('options') or opts.get('type') != 'dict':
            continue
        for key in _option_keys(name, opts):
            value = params.get(key) if isinstance(params, dict) else None
            if value is None or isinstance(value, dict) or (isinstance(value, str) and _as_dict(value) is not None):
                continue
            found.append((key, '%s must be a dictionary of its suboptions (%s), not %s.' % (
                key, ', '.join(sorted(opts['options'])), type(value).__name__)))
    return found


class SafeModule(AnsibleModule):
    """AnsibleModule that registers nested secrets first and logs its invocation without them.

    ``entry_specs``: {option: argument spec of one entry} for list options the module validates
    entry by entry itself (docker_api_containers' images and containers).
    ``validation_error_kind``: the ``error_kind`` of a failure while the options are validated (a
    wrong type, a missing required option), for modules whose every failure carries one.
    ``hidden_values``: the options whose mapping values the log line and ``invocation`` show as
    digests, as :func:`hide_values` takes them: ``{'env': show}``, or ``{'containers': {'env':
    show}}`` for a key of each entry.
    """

    def __init__(self, argument_spec, entry_specs=None, validation_error_kind=None, hidden_values=None, **kwargs):
        self._entry_specs = dict(entry_specs or {})
        self._validation_error_kind = validation_error_kind
        spec = dict((name, dict(opts, options=opts.get('options') or self._entry_specs.get(name)))
                    for name, opts in argument_spec.items() if isinstance(opts, dict))
        self._hidden_values = _with_aliases(hidden_values, spec)
        self._unshaped = []
        super(SafeModule, self).__init__(argument_spec=argument_spec, **kwargs)
        if self._unshaped:
            self.fail_json(msg=' '.join(self._unshaped))
        self._validation_error_kind = None  # validated: later failures name their own kind

    def _with_invocation(self, kwargs):
        # AnsibleModule puts self.params there unless the result has its own invocation.
        params = getattr(self, 'params', None)
        if self._hidden_values and 'invocation' not in kwargs and isinstance(params, dict):
            kwargs['invocation'] = {'module_args': hide_values(params, self._hidden_values)}
        return kwargs

    def exit_json(self, **kwargs):
        super(SafeModule, self).exit_json(**self._with_invocation(kwargs))

    def fail_json(self, msg, **kwargs):
        if self._validation_error_kind and 'error_kind' not in kwargs:
            kwargs['error_kind'] = self._validation_error_kind
        super(SafeModule, self).fail_json(msg, **self._with_invocation(kwargs))

    def _load_params(self):
        super(SafeModule, self)._load_params()
        # Before AnsibleModule validates anything (and may fail_json with the invocation).
        self.no_log_values.update(secret_values(self.params, self.argument_spec, self._entry_specs))
        # Taken out before validation, which would crash on them, and refused once the module is built.
        for key, message in unshaped_dict_options(self.params, self.argument_spec):
            self.params[key] = None
            self._unshaped.append(message)

    def _log_invocation(self):
        log_args = {}
        for name, value in hide_values(self.params, self._hidden_values).items():
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

    def fail_missing_library(self, library, exception, **result):
        """Fail naming a Python library the module needs on the managed node (Ansible's own message)."""
        self.fail_json(msg=missing_required_lib(library), exception=exception, **result)
