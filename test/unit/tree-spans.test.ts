// The live tree owns its positions: every span object the tree holds is its own (none is the parser's,
// which analyses share) and held once, and forEachTreeSpan reaches all of them. The incremental
// re-analysis relies on both: it moves the tree's positions in place (tree/incremental.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisHost, type Analysis } from '../../server/src/analysis';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { forEachTreeSpan, moveTreeSpans } from '../../server/src/tree/spans';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { fixture } from '../util/paths';

const isSpan = (o: unknown): o is { start: number; end: number } =>
  typeof o === 'object' && o !== null && typeof (o as { start?: unknown }).start === 'number' && typeof (o as { end?: unknown }).end === 'number';

/** Every object with numeric start and end reachable from `root`, not following the named back links. */
function reachableSpans(root: unknown, skip: Set<string>): Set<object> {
  const seen = new Set<object>();
  const spans = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const o = stack.pop();
    if (typeof o !== 'object' || o === null || seen.has(o) || ArrayBuffer.isView(o)) continue;
    seen.add(o);
    if (isSpan(o)) spans.add(o);
    if (o instanceof Map) { for (const v of o.values()) stack.push(v); continue; }
    for (const [k, v] of Object.entries(o)) if (!skip.has(k)) stack.push(v);
  }
  return spans;
}

const show = (s: object): string => { const o = s as Record<string, unknown>; return `${String(o.kind ?? o.name ?? '')}[${o.start}, ${o.end})`; };

function check(a: Analysis, name: string): void {
  const astSpans = reachableSpans(a.ast, new Set());
  const visited = new Set<object>();
  forEachTreeSpan(a.tree, (s) => {
    assert.ok(!visited.has(s), `${name}: a span object is held twice: ${show(s)}`);
    visited.add(s);
    assert.ok(!astSpans.has(s), `${name}: the tree holds a span object of the AST: ${show(s)}`);
  });
  // the supplier graph's edges hold span objects of their own (moved apart from the tree's)
  const edgeSpans = new Set<object>();
  for (const e of a.graph.edges) {
    for (const s of [e.span, e.refSpan]) {
      assert.ok(!visited.has(s) && !astSpans.has(s), `${name}: an edge holds a span of the tree or the AST: ${show(s)}`);
      assert.ok(!edgeSpans.has(s), `${name}: a span object held by two edges (or twice by one): ${show(s)}`);
      edgeSpans.add(s);
    }
  }
  // the tree's own spans (not following parents, the property's node, reference targets, phandle table)
  const t = a.tree;
  const all = reachableSpans({ root: t.root, references: t.references, labels: t.labels, memreserves: t.memreserves, deleted: t.deleted },
    new Set(['parent', 'node', 'target']));
  const missed = [...all].filter((s) => !visited.has(s));
  assert.deepEqual(missed.slice(0, 3).map(show), [], `${name}: ${missed.length} span objects the walk does not reach`);
  // the move (written out per kind of span, not through the walk) moves each of them: text inserted at 0
  const before = new Map<{ start: number; end: number }, [number, number]>();
  forEachTreeSpan(t, (s) => before.set(s, [s.start, s.end]));
  moveTreeSpans(t, 0, 0, 7);
  const unmoved = [...before].filter(([s, [a, b]]) => s.start !== a + 7 || s.end !== (b > 0 ? b + 7 : a + 7));
  assert.deepEqual(unmoved.slice(0, 3).map(([s]) => show(s)), [], `${name}: ${unmoved.length} span objects the move does not move`);
}

test('the tree owns its span objects and the walk reaches each once (fixtures)', () => {
  const dir = fixture('tree');
  const host = new AnalysisHost(new NodeFileSystem(), { autoDetectIncludePaths: false });
  let n = 0;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.dts'))) {
    check(host.analyze(path.join(dir, f)), f);
    n++;
  }
  assert.ok(n >= 20);
});

test('the tree owns its span objects and the walk reaches each once (kernel boards)', (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const host = new AnalysisHost(new NodeFileSystem(), {});
  for (const b of ['qcom/sm8550-mtp.dts', 'freescale/imx8qm-apalis-eval-v1.2.dts']) check(host.analyze(path.join(kernel, 'arch/arm64/boot/dts', b)), b);
});
