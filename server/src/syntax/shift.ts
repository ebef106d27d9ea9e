// Clone-with-shift of AST subtrees: a reused statement keeps its shape and
// moves by `d` characters. Written per node kind (much faster than a generic
// walk); the output has exactly the keys of the input.
import type {
  ByteItem, CellItem, Expr, Label, NodeBody, NodeItem, PropertyValuePart, Reference, Span, SyntaxErrorInfo, TopStatement, ValueComponent,
} from './ast';

function span(s: Span, d: number): Span {
  return { start: s.start + d, end: s.end + d };
}

function labels(a: Label[], d: number): Label[] {
  if (a.length === 0) return a; // (the AST is read-only: an empty list is shared, see base/empty.ts)
  return a.map((l) => ({ kind: 'label', name: l.name, start: l.start + d, end: l.end + d }));
}

function ref(r: Reference, d: number): Reference {
  return r.kind === 'labelRef'
    ? { kind: 'labelRef', name: r.name, start: r.start + d, end: r.end + d }
    : { kind: 'pathRef', path: r.path, start: r.start + d, end: r.end + d };
}

export function shiftExpr(e: Expr, d: number): Expr {
  switch (e.kind) {
    case 'number': return { kind: 'number', value: e.value, text: e.text, start: e.start + d, end: e.end + d };
    case 'char': return { kind: 'char', value: e.value, text: e.text, start: e.start + d, end: e.end + d };
    case 'unary': return { kind: 'unary', op: e.op, operand: shiftExpr(e.operand, d), start: e.start + d, end: e.end + d };
    case 'binary': return { kind: 'binary', op: e.op, left: shiftExpr(e.left, d), right: shiftExpr(e.right, d), start: e.start + d, end: e.end + d };
    case 'conditional':
      return { kind: 'conditional', test: shiftExpr(e.test, d), consequent: shiftExpr(e.consequent, d), alternate: shiftExpr(e.alternate, d), start: e.start + d, end: e.end + d };
    case 'paren': return { kind: 'paren', expr: shiftExpr(e.expr, d), start: e.start + d, end: e.end + d };
  }
}

function cell(c: CellItem, d: number): CellItem {
  switch (c.kind) {
    case 'expr': return { kind: 'expr', expr: shiftExpr(c.expr, d), start: c.start + d, end: c.end + d };
    case 'ref': return { kind: 'ref', ref: ref(c.ref, d), start: c.start + d, end: c.end + d };
    case 'label': return { kind: 'label', name: c.name, start: c.start + d, end: c.end + d };
  }
}

function byte(b: ByteItem, d: number): ByteItem {
  return b.kind === 'byte'
    ? { kind: 'byte', value: b.value, start: b.start + d, end: b.end + d }
    : { kind: 'label', name: b.name, start: b.start + d, end: b.end + d };
}

function component(c: ValueComponent, d: number): ValueComponent {
  switch (c.kind) {
    case 'string': return { kind: 'string', value: c.value, raw: c.raw, start: c.start + d, end: c.end + d };
    case 'cells': {
      const items = new Array<CellItem>(c.items.length);
      for (let i = 0; i < items.length; i++) items[i] = cell(c.items[i], d);
      const o: ValueComponent = { kind: 'cells', bits: c.bits, items, start: c.start + d, end: c.end + d };
      if (c.bitsSpan !== undefined) o.bitsSpan = span(c.bitsSpan, d);
      return o;
    }
    case 'bytes': return { kind: 'bytes', items: c.items.map((b) => byte(b, d)), start: c.start + d, end: c.end + d };
    case 'pathValue': return { kind: 'pathValue', ref: ref(c.ref, d), start: c.start + d, end: c.end + d };
    case 'incbin': {
      const o: ValueComponent = { kind: 'incbin', path: c.path, pathSpan: span(c.pathSpan, d), start: c.start + d, end: c.end + d };
      if (c.offset !== undefined) o.offset = shiftExpr(c.offset, d);
      if (c.length !== undefined) o.length = shiftExpr(c.length, d);
      return o;
    }
  }
}

function part(p: PropertyValuePart, d: number): PropertyValuePart {
  return { labelsBefore: labels(p.labelsBefore, d), component: component(p.component, d), labelsAfter: labels(p.labelsAfter, d), start: p.start + d, end: p.end + d };
}

function body(b: NodeBody, d: number): NodeBody {
  const items = new Array<NodeItem>(b.items.length);
  for (let i = 0; i < items.length; i++) items[i] = item(b.items[i], d);
  return { items, closeBrace: b.closeBrace >= 0 ? b.closeBrace + d : b.closeBrace, start: b.start + d, end: b.end + d };
}

/** A body item moved by d (for items the parser caches on their own). */
export function shiftItem(it: NodeItem, d: number): NodeItem {
  return item(it, d);
}

function item(it: NodeItem, d: number): NodeItem {
  switch (it.kind) {
    case 'property': {
      // (the value in the literal, as the parser makes it: a property added later takes a separate store)
      if (it.value !== undefined) return { kind: 'property', labels: labels(it.labels, d), name: it.name, nameSpan: span(it.nameSpan, d), start: it.start + d, end: it.end + d, value: it.value.map((p) => part(p, d)) };
      return { kind: 'property', labels: labels(it.labels, d), name: it.name, nameSpan: span(it.nameSpan, d), start: it.start + d, end: it.end + d };
    }
    case 'node':
      return { kind: 'node', labels: labels(it.labels, d), omitIfNoRef: it.omitIfNoRef, name: it.name, nameSpan: span(it.nameSpan, d), body: body(it.body, d), start: it.start + d, end: it.end + d };
    case 'deleteProperty': return { kind: 'deleteProperty', name: it.name, nameSpan: span(it.nameSpan, d), start: it.start + d, end: it.end + d };
    case 'deleteNode': {
      const o: NodeItem = { kind: 'deleteNode', start: it.start + d, end: it.end + d };
      if (it.name !== undefined) o.name = it.name;
      if (it.nameSpan !== undefined) o.nameSpan = span(it.nameSpan, d);
      if (it.ref !== undefined) o.ref = ref(it.ref, d);
      return o;
    }
    case 'error': return { kind: 'error', message: it.message, start: it.start + d, end: it.end + d };
  }
}

export function shiftStatement(s: TopStatement, d: number): TopStatement {
  switch (s.kind) {
    case 'version': return { kind: 'version', start: s.start + d, end: s.end + d };
    case 'plugin': return { kind: 'plugin', start: s.start + d, end: s.end + d };
    case 'memreserve':
      return { kind: 'memreserve', labels: labels(s.labels, d), address: shiftExpr(s.address, d), size: shiftExpr(s.size, d), start: s.start + d, end: s.end + d };
    case 'rootNode': return { kind: 'rootNode', labels: labels(s.labels, d), body: body(s.body, d), start: s.start + d, end: s.end + d };
    case 'refNode': return { kind: 'refNode', labels: labels(s.labels, d), ref: ref(s.ref, d), body: body(s.body, d), start: s.start + d, end: s.end + d };
    case 'deleteNodeRef': return { kind: 'deleteNodeRef', ref: ref(s.ref, d), start: s.start + d, end: s.end + d };
    case 'omitIfNoRef': return { kind: 'omitIfNoRef', ref: ref(s.ref, d), start: s.start + d, end: s.end + d };
    case 'error': return { kind: 'error', message: s.message, start: s.start + d, end: s.end + d };
  }
}

export function shiftError(e: SyntaxErrorInfo, d: number): SyntaxErrorInfo {
  return e.code ? { start: e.start + d, end: e.end + d, message: e.message, code: e.code } : { start: e.start + d, end: e.end + d, message: e.message };
}
