// Linux composite DTBs (`<name>-dtbs := base.dtb overlay.dtbo ...` in arch/arm64/boot/dts Makefiles): the
// product's stacked tree against the kernel's own recipe (cpp as scripts/Makefile.dtbs, dtc -@, fdtoverlay).
//
//   npm run corpus -- --linux-stacks [--strict]
//
// For every composite: `dts-check BASE --overlay O...` (explicit) must be clean and its --emit-dts output
// compile to the blob fdtoverlay builds; every .dtso opened alone (zero configuration) must find the base of
// the first composite that uses it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../server/src/analysis';
import { FRONT_END_CODES } from '../server/src/base/diagnostics';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { emitDts } from '../server/src/tree/emit';
import { composites, type Composite } from '../server/src/workspace/kbuild';
import { dtcToDts, firstDifference, run } from './dtc-compare';
import { cppArgs, ensureDebianPackages, ensureKernelTree } from './kernel-tree';


function makefiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) makefiles(p, out);
    else if (e.name === 'Makefile') out.push(p);
  }
  return out.sort();
}

async function reference(kernel: string, c: Composite, work: string): Promise<string> {
  const blobs: string[] = [];
  for (const [k, src] of [c.base, ...c.overlays].entries()) {
    const pre = path.join(work, `${k}.pre`);
    fs.writeFileSync(pre, await run('cpp', cppArgs(kernel, src)));
    const out = path.join(work, k === 0 ? 'base.dtb' : `${k}.dtbo`);
    await run('dtc', ['-q', '-@', '-i', path.dirname(src), '-i', path.join(kernel, 'scripts/dtc/include-prefixes'), '-I', 'dts', '-O', 'dtb', '-o', out, pre]);
    blobs.push(out);
  }
  const merged = path.join(work, 'merged.dtb');
  await run('fdtoverlay', ['-i', blobs[0], '-o', merged, ...blobs.slice(1)]);
  return run('dtc', ['-q', '-I', 'dtb', '-O', 'dts', merged]);
}

export async function linuxStacks(argv: string[]): Promise<number> {
  ensureDebianPackages({ dtc: 'device-tree-compiler', cpp: 'cpp', fdtoverlay: 'device-tree-compiler' });
  const kernel = ensureKernelTree();
  const root = path.join(kernel, 'arch/arm64/boot/dts');
  const nfs = new NodeFileSystem();
  const all: Composite[] = [];
  for (const mk of makefiles(root)) for (const c of composites(mk, nfs)) if (c.makefile === mk && !all.some((x) => x.name === c.name && x.makefile === mk)) all.push(c);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-linux-stacks-'));
  let accepted = 0;
  let clean = 0;
  let equal = 0;
  const t0 = Date.now();
  for (const c of all) {
    const id = path.relative(root, path.join(path.dirname(c.makefile), c.name));
    let ref: string;
    try {
      ref = await reference(kernel, c, work);
    } catch {
      continue;
    }
    accepted++;
    const a = new AnalysisHost(nfs, { overlays: c.overlays }).analyze(c.base);
    const errors = a.diagnostics.filter((d) => d.severity === 'error' && FRONT_END_CODES.has(d.code));
    if (errors.length === 0) clean++;
    const ours = path.join(work, 'ours.dts');
    fs.writeFileSync(ours, emitDts(a.tree));
    let text = '';
    try {
      text = await dtcToDts(ours, work, 'ours');
    } catch (e) {
      text = `dtc failed: ${(e as Error).message}`;
    }
    if (text === ref) equal++;
    else console.log(`${id}: different at ${firstDifference(text, ref)}`);
    if (errors.length) console.log(`${id}: ${errors[0].message} [${errors[0].code}]`);
  }
  // zero configuration: each overlay alone gets the base of the first composite that uses it
  const dtsos = [...new Set(all.flatMap((c) => c.overlays))];
  let found = 0;
  for (const o of dtsos) {
    const a = new AnalysisHost(nfs).analyze(o);
    const first = composites(o, nfs).find((c) => c.overlays.includes(o));
    if (first && a.stack.base === first.base && a.stack.mode === 'fdtoverlay') found++;
    else console.log(`${path.relative(root, o)}: zero configuration analysed it on ${a.stack.base}`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  console.log('');
  console.log(`Linux composite DTBs (arch/arm64): ${all.length}; dtc + fdtoverlay build ${accepted}`);
  console.log(`  clean: ${clean}/${accepted}; stacked tree equal to fdtoverlay's: ${equal}/${accepted}`);
  console.log(`  overlays opened alone that find their base: ${found}/${dtsos.length}`);
  console.log(`wall ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return argv.includes('--strict') && (clean !== accepted || equal !== accepted || found !== dtsos.length) ? 1 : 0;
}
