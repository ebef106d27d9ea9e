// In-place moves of AST subtrees: the counterpart of shift.ts for objects no one else holds. A keystroke's
// parse (reparse.ts) leaves the statements and items after the edit where they were and lists them
// (`PendingMoves`); once the analysis has patched its tree and nothing can read the last parse any more, they
// are moved where they lie instead of being copied (no allocation per keystroke for everything after the edit).
// Each kind of span is moved where it is met (`x.start += d`), not by one helper: a helper reading a dozen kinds of
// objects is megamorphic in V8 and several times slower.
// Objects that another owner's parse also holds (a cache entry taken at the same offset) are copied as before.
import type { ByteItem, CellItem, Expr, Label, NodeBody, NodeItem, PropertyValuePart, Reference, Span, TopStatement, ValueComponent } from './ast';

function labels(a: Label[], d: number): void {
  for (let i = 0; i < a.length; i++) { const x: Span = a[i]; x.start += d; x.end += d; }
}

function moveExpr(e: Expr, d: number): void {
  e.start += d; e.end += d;
  switch (e.kind) {
    case 'unary': moveExpr(e.operand, d); break;
    case 'binary': moveExpr(e.left, d); moveExpr(e.right, d); break;
    case 'conditional': moveExpr(e.test, d); moveExpr(e.consequent, d); moveExpr(e.alternate, d); break;
    case 'paren': moveExpr(e.expr, d); break;
    default: break;
  }
}

function cell(c: CellItem, d: number): void {
  c.start += d; c.end += d;
  if (c.kind === 'expr') moveExpr(c.expr, d);
  else if (c.kind === 'ref') { const x: Span = c.ref as Reference; x.start += d; x.end += d; }
}

function component(c: ValueComponent, d: number): void {
  c.start += d; c.end += d;
  switch (c.kind) {
    case 'cells':
      for (let i = 0; i < c.items.length; i++) cell(c.items[i], d);
      if (c.bitsSpan !== undefined) { c.bitsSpan.start += d; c.bitsSpan.end += d; }
      break;
    case 'bytes':
      for (let i = 0; i < c.items.length; i++) { const x: Span = c.items[i] as ByteItem; x.start += d; x.end += d; }
      break;
    case 'pathValue': c.ref.start += d; c.ref.end += d; break;
    case 'incbin':
      c.pathSpan.start += d; c.pathSpan.end += d;
      if (c.offset !== undefined) moveExpr(c.offset, d);
      if (c.length !== undefined) moveExpr(c.length, d);
      break;
    default: break;
  }
}

function part(p: PropertyValuePart, d: number): void {
  p.start += d; p.end += d;
  labels(p.labelsBefore, d);
  component(p.component, d);
  labels(p.labelsAfter, d);
}

/** A body moved by d; with `shallow`, not its items (moved one by one). */
function body(b: NodeBody, d: number, shallow: boolean): void {
  b.start += d;
  b.end += d;
  if (b.closeBrace >= 0) b.closeBrace += d;
  if (!shallow) for (let i = 0; i < b.items.length; i++) moveItem(b.items[i], d);
}

/** Moves a body item and everything in it by d, in place; with `shallow`, not the items of a node's body. */
export function moveItem(it: NodeItem, d: number, shallow = false): void {
  it.start += d; it.end += d;
  switch (it.kind) {
    case 'property':
      labels(it.labels, d);
      it.nameSpan.start += d; it.nameSpan.end += d;
      if (it.value !== undefined) for (let i = 0; i < it.value.length; i++) part(it.value[i], d);
      break;
    case 'node':
      labels(it.labels, d);
      it.nameSpan.start += d; it.nameSpan.end += d;
      body(it.body, d, shallow);
      break;
    case 'deleteProperty': it.nameSpan.start += d; it.nameSpan.end += d; break;
    case 'deleteNode':
      if (it.nameSpan !== undefined) { it.nameSpan.start += d; it.nameSpan.end += d; }
      if (it.ref !== undefined) { it.ref.start += d; it.ref.end += d; }
      break;
    default: break;
  }
}

/** Moves a top-level statement by d, in place; with `shallow`, not the items of its body (moved one by one). */
export function moveStatement(s: TopStatement, d: number, shallow = false): void {
  s.start += d; s.end += d;
  switch (s.kind) {
    case 'memreserve': labels(s.labels, d); moveExpr(s.address, d); moveExpr(s.size, d); break;
    case 'rootNode':
    case 'refNode':
      labels(s.labels, d);
      if (s.kind === 'refNode') { s.ref.start += d; s.ref.end += d; }
      body(s.body, d, shallow);
      break;
    case 'deleteNodeRef':
    case 'omitIfNoRef': s.ref.start += d; s.ref.end += d; break;
    default: break;
  }
}
