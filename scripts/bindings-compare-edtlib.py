#!/usr/bin/env python3
# Runs Zephyr's own edtlib (the reference for Zephyr binding semantics, from ../shared/corpus/zephyr) over
# preprocessed boards and prints every error and warning as one JSON line per board, with the node, the
# property and the kind, so that scripts/bindings-compare-zephyr.ts can compare them with ours. edtlib stops
# at its first error; here its _err records the error and returns, so that every problem is seen (a later
# crash caused by continuing is reported as such).
# usage: bindings-compare-edtlib.py PYTHON_DEVICETREE_SRC < jobs.jsonl
#   each job: {"board", "dts", "bindings_dirs": [...], "vendor_prefixes": [...]}
import json
import logging
import re
import sys

sys.path.insert(0, sys.argv[1])
from devicetree import dtlib, edtlib  # noqa: E402

records = []
context = {'node': None, 'prop': None, 'binding': None}


def node_path(text):
    m = re.search(r"<Node (\S+) in", text)
    return m.group(1) if m else None


def classify(msg, level):
    """(node, property, kind) of an edtlib message; kind is our diagnostic code."""
    pats = [
        (r"'([^']+)' appears in (\S+) in .*but is not declared", lambda m: (m.group(2), m.group(1), 'binding-unknown-property')),
        (r"'([^']+)' is marked as required in 'properties:' in .*but does not appear in (<Node [^>]*>)", lambda m: (node_path(m.group(2)), m.group(1), 'binding-missing-required')),
        (r"expected property '([^']+)' on (\S+) in .* to be assigned with", lambda m: (m.group(2), m.group(1), 'binding-type')),
        (r"'([^']+)' in (<Node [^>]*>) is defined with 'type: boolean'", lambda m: (node_path(m.group(2)), m.group(1), 'binding-type')),
        (r"value of property '([^']+)' on (\S+) in .*is not in 'enum'", lambda m: (m.group(2), m.group(1), 'binding-value')),
        (r"value of property '([^']+)' on (\S+) in .*is different from the 'const'", lambda m: (m.group(2), m.group(1), 'binding-value')),
        (r"'([^']+)' is marked as deprecated in 'properties:' in .* for node (\S+)\.", lambda m: (m.group(2), m.group(1), 'binding-deprecated')),
        (r"(\S+)-names property in (\S+) in .* has \d+ strings, expected", lambda m: (m.group(2), m.group(1) + '-names', 'binding-item-count')),
        (r"'([^']+)' property in (<Node [^>]*>) has length \d+, which is not evenly divisible", lambda m: (node_path(m.group(2)), m.group(1), 'binding-item-count')),
        (r"zero-sized 'reg' in (<Node [^>]*>)", lambda m: (node_path(m.group(1)), 'reg', 'binding-value')),
        (r"unknown 'status' value \"[^\"]*\" in (\S+) in", lambda m: (m.group(1), 'status', 'binding-value')),
        (r"expected 'ranges = < ... >;' in (\S+) in", lambda m: (m.group(1), 'ranges', 'binding-type')),
        (r"missing 'pinctrl-\d+' property on (<Node [^>]*>)", lambda m: (node_path(m.group(1)), 'pinctrl', 'binding-constraint')),
        (r"node '([^']+)' compatible '[^']*' must match this regular expression", lambda m: (m.group(1), 'compatible', 'binding-value')),
        (r"node '([^']+)' compatible '[^']*' has unknown vendor prefix", lambda m: (m.group(1), 'compatible', 'binding-unknown-compatible')),
        (r"unit address and first address in 'reg' \(0x[0-9a-f]+\) don't match for (\S+)", lambda m: (m.group(1), 'reg', 'binding-value')),
        (r"'ranges' should be empty in (\S+) since", lambda m: (m.group(1), 'ranges', 'binding-item-count')),
    ]
    for pat, f in pats:
        m = re.search(pat, msg)
        if m:
            return f(m)
    # problems of a phandle-array, interrupts, reg: where edtlib was when it found them
    if context['node'] is not None:
        kind = 'binding-item-count' if re.search(r'missing data after phandle|bad value for', msg) else 'binding-constraint'
        return (context['node'], context['prop'], kind)
    if context['binding'] is not None:
        return ('binding-file:' + context['binding'], '', 'binding-load-error')
    return (None, None, 'unclassified')


def record(msg, level):
    node, prop, kind = classify(msg, level)
    # edtlib stops at a type error; going on, it compares a misread value with enum/const: not a finding
    if kind == 'binding-value' and any(r['node'] == node and r['property'] == prop and r['kind'] == 'binding-type' for r in records):
        kind = 'followup'
    records.append({'node': node, 'property': prop, 'kind': kind, 'level': level, 'message': msg[:400]})


class Recorder(Exception):
    pass


def soft_err(msg):
    record(msg, 'error')


class LogCatcher(logging.Handler):
    def emit(self, rec):
        record(rec.getMessage(), 'warning')


# what a node step leaves when it stops half-way (a recorded error made it go on with a None)
EMPTY_AFTER = {'_init_regs': ('regs', []), '_init_ranges': ('ranges', []), '_init_interrupts': ('interrupts', []), '_init_pinctrls': ('pinctrls', [])}


def wrap(cls, name, before):
    orig = getattr(cls, name)

    def wrapped(self, *args, **kwargs):
        saved = dict(context)
        before(self, args)
        try:
            return orig(self, *args, **kwargs)
        except (AttributeError, KeyError, TypeError, IndexError) as e:
            if not records:
                raise
            records.append({'node': context['node'], 'property': context['prop'], 'kind': 'followup', 'level': 'note',
                            'message': f'{name} stopped after an earlier error: {type(e).__name__}'})
            if name in EMPTY_AFTER:
                setattr(self, *EMPTY_AFTER[name])
            return None
        finally:
            context.update(saved)
    setattr(cls, name, wrapped)


def set_node(node, prop):
    context['node'] = node.path
    context['prop'] = prop


wrap(edtlib.Node, '_init_regs', lambda self, a: set_node(self, 'reg'))
wrap(edtlib.Node, '_init_ranges', lambda self, a: set_node(self, 'ranges'))
wrap(edtlib.Node, '_init_interrupts', lambda self, a: set_node(self, 'interrupts-extended' if 'interrupts-extended' in self._node.props else 'interrupts'))
wrap(edtlib.Node, '_init_pinctrls', lambda self, a: set_node(self, 'pinctrl'))
wrap(edtlib.Node, '_standard_phandle_val_list', lambda self, a: set_node(self, a[0].name))
wrap(edtlib.EDT, '_binding', lambda self, a: context.update({'binding': a[1]}))

edtlib._err = soft_err
# reg/ranges/interrupts sizes raise directly: record and go on with the whole groups
_slice = edtlib._slice


def soft_slice(node, prop_name, size, size_hint):
    try:
        return _slice(node, prop_name, size, size_hint)
    except edtlib.EDTError as e:
        record(str(e), 'error')
        raw = node.props[prop_name].value
        return [raw[i:i + size] for i in range(0, len(raw) - len(raw) % size, size)] if size else []


edtlib._slice = soft_slice
# dtlib's type errors (Property.to_num & co.) too, but only once the tree is parsed (a syntax error stops)
_dtlib_err = dtlib._err
_finish = edtlib.EDT._finish_init


def finish_init(self):
    dtlib._err = soft_err
    try:
        return _finish(self)
    finally:
        dtlib._err = _dtlib_err


edtlib.EDT._finish_init = finish_init
logging.getLogger('devicetree.edtlib').addHandler(LogCatcher())
logging.getLogger('devicetree.edtlib').propagate = False

for line in sys.stdin:
    if not line.strip():
        continue
    job = json.loads(line)
    records.clear()
    context.update({'node': None, 'prop': None, 'binding': None})
    status = 'ok'
    vendor = {}
    for f in job.get('vendor_prefixes', []):
        try:
            vendor.update(edtlib.load_vendor_prefixes_txt(f))
        except Exception:
            pass
    try:
        edtlib.EDT(job['dts'], job['bindings_dirs'], warn_reg_unit_address_mismatch=True, default_prop_types=True,
                   infer_binding_for_paths=['/zephyr,user'], vendor_prefixes=vendor, werror=False)
    except (dtlib.DTError, edtlib.EDTError) as e:
        # (with _err recording, an EDTError can only come from dtlib parsing the board)
        status = 'dtlib: ' + str(e)[:300]
    except Exception as e:  # a crash after a recorded error (edtlib does not expect to go on)
        status = f'crash: {type(e).__name__}: {str(e)[:200]}'
    print(json.dumps({'board': job['board'], 'status': status, 'records': records}), flush=True)
