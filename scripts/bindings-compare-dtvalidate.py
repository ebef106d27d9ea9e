#!/usr/bin/env python3
# Runs dt-schema's dt-validate (the reference, from ../shared/tools/dt-schema-*) over DTBs and prints every
# warning it would print as one JSON line, with the full path of the node, the property and the JSON Schema
# keyword, so that scripts/bindings-compare.ts can compare them with ours by (node, property, kind).
# dt-validate's own filtering (disabled nodes, -m for undocumented compatibles) is kept: its check_node runs
# unchanged, only the printing is intercepted.
# usage: bindings-compare-dtvalidate.py DTSCHEMA_DIR PROCESSED_SCHEMA DTB...
import json
import sys
import types

sys.path.insert(0, sys.argv[1])
if 'dtschema.version' not in sys.modules:
    v = types.ModuleType('dtschema.version')
    v.__version__ = '2024.11'
    sys.modules['dtschema.version'] = v

import dtschema  # noqa: E402
import dtschema.dtb_validate as dv  # noqa: E402

current = {}


def deepest(tree_node, path):
    """The node path and property named by an error's absolute path, starting at the validated node."""
    node = tree_node
    parts = []
    i = 0
    path = list(path)
    while i < len(path) and isinstance(node, dict) and isinstance(node.get(path[i]), dict):
        node = node[path[i]]
        parts.append(str(path[i]))
        i += 1
    prop = str(path[i]) if i < len(path) else None
    return node, parts, prop


def join(base, parts):
    for p in parts:
        base = base.rstrip('/') + '/' + p
    return base


def record(error):
    node, parts, prop = deepest(current['node'], error.absolute_path)
    ctx = [{'validator': e.validator, 'path': [str(x) for x in e.absolute_path]} for e in (error.context or [])]
    names = []
    if error.validator in ('required', 'dependentRequired', 'dependencies'):
        names = [error.message.split("'")[1]] if "'" in error.message else []
    elif error.validator in ('additionalProperties', 'unevaluatedProperties'):
        inst = error.instance if isinstance(error.instance, dict) else {}
        seen = set()
        # the names the message lists as unexpected
        for n in inst.keys():
            if ("'" + n + "'") in error.message and n not in seen:
                seen.add(n)
                names.append(n)
    return {
        'node': join(current['fullname'], parts),
        'property': prop,
        'validator': error.validator,
        'names': names,
        'child': [n for n in names if isinstance(node.get(n), dict)] if isinstance(node, dict) else [],
        'context': ctx,
        'schema': error.schema_file if hasattr(error, 'schema_file') else None,
        'message': error.message.split('\n')[0][:300],
    }


out = []


def format_error(filename, error, prefix='', nodename=None, verbose=False):
    rec = record(error)
    out.append(rec)
    return ''


def quiet_print(*args, **kwargs):
    text = ' '.join(str(a) for a in args)
    if 'failed to match any schema with compatible' in text:
        compat = current['node'].get('compatible', [])
        undoc = current['validator'].get_undocumented_compatibles(compat) if isinstance(compat, list) else []
        for c in undoc:
            out.append({'node': current['fullname'], 'property': 'compatible', 'validator': 'generated-compatibles',
                        'names': [c], 'child': [], 'context': [], 'schema': 'generated-compatibles', 'message': c})


orig_check_node = dv.schema_group.check_node


def check_node(self, tree, node, disabled, nodename, fullname, filename):
    current['node'] = node
    current['fullname'] = fullname
    current['validator'] = self.validator
    return orig_check_node(self, tree, node, disabled, nodename, fullname, filename)


dv.schema_group.check_node = check_node
dtschema.format_error = format_error
dv.print = quiet_print
dv.show_unmatched = True

sg = dv.schema_group(sys.argv[2])
for dtb in sys.argv[3:]:
    out.clear()
    try:
        sg.check_dtb(dtb)
        status = 'ok'
    except Exception as e:  # a crash of dt-validate on this board
        status = 'error: ' + str(e)[:200]
    print(json.dumps({'dtb': dtb, 'status': status, 'warnings': out}), flush=True)
