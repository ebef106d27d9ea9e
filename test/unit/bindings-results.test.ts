// Binding findings kept across processes (bindings/results-cache.ts): a new process (dts-check run, or the
// language server's worker started again after it was released) that reads them back gives exactly what a
// fresh validation gives, validating only the nodes that changed; another build of the code starts afresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { AnalysisHost } from '../../server/src/analysis';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { BindingsHost } from '../../server/src/bindings';
import { MemoryBindingsCache } from '../../server/src/bindings/cache';
import { fixture } from '../util/paths';

const ROOT = fixture('bindings/linux');
const BOARD = fixture('bindings/linux/arch/arm64/boot/dts/acme/board.dts');
const TEXT = fs.readFileSync(BOARD, 'utf8');

/** One "process": a bindings host of its own over the shared cache, analysing the board as `text`. */
function run(cache: MemoryBindingsCache, text: string, stamp: string | undefined): { diags: string[]; validated: number; nodes: number; bindings: BindingsHost } {
  const overlay = new OverlayFileSystem(new NodeFileSystem());
  overlay.setOverlay(BOARD, text);
  const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache, resultsStamp: stamp });
  const a = new AnalysisHost(overlay, { bindings }).analyze(BOARD);
  const stats = bindings.linuxFor({ flavour: 'linux', root: ROOT })!.validator!.stats;
  const diags = a.diagnostics.filter((d) => d.code.startsWith('binding-')).map((d) => `${d.code} ${d.start}-${d.end} ${d.node} ${d.property} ${d.message}`);
  return { diags, validated: stats.validated, nodes: stats.nodes, bindings };
}

test('binding results: a second process reads the first one\'s findings and validates only what changed', () => {
  const cache = new MemoryBindingsCache();
  const first = run(cache, TEXT, 'build-1');
  assert.ok(first.diags.length >= 5, first.diags.join('\n'));
  assert.equal(first.validated, first.nodes);
  assert.equal(first.bindings.saveResults(), true);
  assert.ok([...cache.entries.keys()].some((k) => k.startsWith('results-')));
  // the same board again: nothing validated, the same diagnostics
  const second = run(cache, TEXT, 'build-1');
  assert.equal(second.validated, 0);
  assert.deepEqual(second.diags, first.diags);
  assert.equal(second.bindings.saveResults(), false, 'nothing new: nothing written');
  // an edited board: only the changed node (and its ancestors) validated, exactly what a fresh validation gives
  const edited = TEXT.replace('acme,mode = "fast";', 'acme,mode = "sideways";');
  const third = run(cache, edited, 'build-1');
  const fresh = run(new MemoryBindingsCache(), edited, undefined);
  assert.deepEqual(third.diags, fresh.diags);
  assert.ok(third.validated > 0 && third.validated <= 3, `validated ${third.validated} of ${third.nodes}`);
  assert.ok(third.diags.some((d) => d.includes('sideways')));
  // another build of the code does not use them
  const other = run(cache, TEXT, 'build-2');
  assert.equal(other.validated, other.nodes);
  assert.deepEqual(other.diags, first.diags);
});

test('binding results: a value of raw bytes is part of the key (its message shows the bytes)', () => {
  const cache = new MemoryBindingsCache();
  const a = TEXT.replace('acme,gain = "high";', 'acme,gain = [01 02 03];');
  const b = TEXT.replace('acme,gain = "high";', 'acme,gain = [01 02 03 04 05];');
  const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache });
  const overlay = new OverlayFileSystem(new NodeFileSystem());
  const host = new AnalysisHost(overlay, { bindings });
  const gain = (text: string, h: AnalysisHost): string[] => {
    overlay.setOverlay(BOARD, text);
    return h.analyze(BOARD).diagnostics.filter((d) => d.code.startsWith('binding-') && d.property === 'acme,gain').map((d) => d.message);
  };
  const ma = gain(a, host);
  assert.ok(ma.some((m) => /3 bytes|01 02 03/.test(m)), ma.join('\n'));
  const mb = gain(b, host);
  const freshHost = new AnalysisHost(overlay, { bindings: new BindingsHost(new NodeFileSystem(), { installedCore: false, cache }) });
  assert.deepEqual(mb, gain(b, freshHost));
  assert.notDeepEqual(mb, ma);
});

test('binding results: two boards sharing node paths keep each one\'s results', () => {
  const cache = new MemoryBindingsCache();
  const bindings = new BindingsHost(new NodeFileSystem(), { installedCore: false, cache });
  const overlay = new OverlayFileSystem(new NodeFileSystem());
  const host = new AnalysisHost(overlay, { bindings });
  const v = (): { validated: number; nodes: number } => bindings.linuxFor({ flavour: 'linux', root: ROOT })!.validator!.stats;
  const other = TEXT.replace('acme,mode = "fast";', 'acme,mode = "slow";');
  for (const t of [TEXT, other]) {
    overlay.setOverlay(BOARD, t);
    host.analyze(BOARD);
  }
  // back and forth between the two: nothing validated again
  for (const t of [TEXT, other, TEXT]) {
    overlay.setOverlay(BOARD, t);
    host.analyze(BOARD);
    assert.equal(v().validated, 0, `validated ${v().validated} of ${v().nodes}`);
  }
});

test('binding results: a run whose nodes all have known findings never reads the schemas; a cache without them makes them again', () => {
  const cache = new MemoryBindingsCache();
  const first = run(cache, TEXT, 'build-1');
  first.bindings.saveResults();
  const reads: string[] = [];
  const counting = new (class extends MemoryBindingsCache {
    override read(name: string): string | undefined {
      reads.push(name);
      return cache.read(name);
    }
    override write(name: string, text: string): void {
      cache.write(name, text);
    }
  })();
  const second = run(counting, TEXT, 'build-1');
  assert.equal(second.validated, 0);
  assert.deepEqual(second.diags, first.diags);
  assert.ok(reads.some((n) => n.endsWith('.core.json')), reads.join(' '));
  assert.ok(!reads.some((n) => n.endsWith('.rest.json')), `the rest was read: ${reads.join(' ')}`);
  // an edited node needs its schemas: the rest is read; when it is gone, it is made again from the bindings
  for (const k of [...cache.entries.keys()]) if (k.endsWith('.rest.json')) cache.entries.delete(k);
  const edited = TEXT.replace('acme,mode = "fast";', 'acme,mode = "sideways";');
  const third = run(counting, edited, 'build-1');
  assert.deepEqual(third.diags, run(new MemoryBindingsCache(), edited, undefined).diags);
  assert.ok(reads.some((n) => n.endsWith('.rest.json')));
  assert.ok([...cache.entries.keys()].some((k) => k.endsWith('.rest.json')), 'the rest is written again');
});

test('binding results: a damaged results file is ignored (every node validated, the same diagnostics)', () => {
  const cache = new MemoryBindingsCache();
  const first = run(cache, TEXT, 'build-1');
  first.bindings.saveResults();
  const name = [...cache.entries.keys()].find((k) => k.startsWith('results-'))!;
  const good = cache.entries.get(name)!;
  for (const bad of [good.slice(0, good.length / 2), '{"format":"dts-lsp-binding-results","clean":[1,null],"found":[["x",5],7]}', 'null', '']) {
    cache.entries.set(name, bad);
    const r = run(cache, TEXT, 'build-1');
    assert.equal(r.validated, r.nodes);
    assert.deepEqual(r.diags, first.diags);
  }
});
