// Zephyr workspace corpus: every board of a west workspace, and overlay stacks from its samples, shields and
// snippets, analysed with zero configuration and compared with Zephyr's own preprocessing + dtc.
//
//   npm run corpus -- --zephyr DIR              all boards and stacks of the workspace at DIR
//   npm run corpus -- --zephyr DIR --sample     the CI sample (48 boards over vendors and architectures, 24 stacks)
//   options: --strict (exit 1 unless every dtc-accepted board and stack is clean and equal)
//            --boards a,b (board names)  --no-stacks  --no-boards  --json FILE
//
// The reference is built here from the workspace's own files, independently of the product's workspace code:
//   cpp -x assembler-with-cpp -nostdinc -isystem <root>/{include,include/zephyr,dts/common,dts/<arch>,dts}...
//       -include <board>.dts [-include <overlay>...] -undef -D__DTS__ -E misc/empty_file.c
// with the dts roots app, board folder, shields, modules (zephyr/module.yml dts_root), zephyr (the corpus
// README's command), then dtc. A board or stack counts when dtc accepts the reference; it is clean when the
// product reports no front-end error, and equal when its --emit-dts output compiles to the same blob.
// When DIR does not exist the run is skipped (exit 0): a user's clone has no ../shared.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost, type Analysis } from '../server/src/analysis';
import { FRONT_END_CODES } from '../server/src/base/diagnostics';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { emitDts } from '../server/src/tree/emit';
import { dtcToDts, firstDifference, run } from './dtc-compare';


interface Board { name: string; dts: string; dir: string; arch: string; vendor: string }
interface Stack { kind: 'sample' | 'shield' | 'snippet' | 'app'; board?: Board; overlays: string[]; open: string; roots: string[] }

interface Outcome {
  id: string;
  accepted: boolean;
  clean?: boolean;
  equal?: boolean;
  zeroConfigBase?: string;
  note?: string;
}

// ---- the workspace, read the way Zephyr's CMake reads it (independent of server/src/workspace) ----------

function listModules(top: string): { dir: string; dtsRoot?: string }[] {
  const out: { dir: string; dtsRoot?: string }[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 3 || !fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const d = path.join(dir, e.name);
      const y = path.join(d, 'zephyr/module.yml');
      if (fs.existsSync(y)) {
        const m = /dts_root:\s*(\S+)/.exec(fs.readFileSync(y, 'utf8'));
        out.push({ dir: d, dtsRoot: m ? path.resolve(d, m[1]) : undefined });
      } else walk(d, depth + 1);
    }
  };
  walk(path.join(top, 'modules'), 0);
  return out;
}

function listBoards(zephyr: string): Board[] {
  const boards: Board[] = [];
  const root = path.join(zephyr, 'boards');
  for (const arch of fs.readdirSync(root).sort()) {
    if (arch === 'shields' || !fs.statSync(path.join(root, arch)).isDirectory()) continue;
    for (const b of fs.readdirSync(path.join(root, arch)).sort()) {
      const dir = path.join(root, arch, b);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir).sort()) {
        if (!f.endsWith('.dts')) continue;
        const dts = path.join(dir, f);
        const vendor = /compatible\s*=\s*"([^,"]+),/.exec(fs.readFileSync(dts, 'utf8'))?.[1] ?? '?';
        boards.push({ name: f.slice(0, -4), dts, dir, arch, vendor });
      }
    }
  }
  return boards;
}

function findFiles(dir: string, pred: (p: string) => boolean, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out;
}

function listStacks(zephyr: string, boards: Map<string, Board>): Stack[] {
  const stacks: Stack[] = [];
  // samples: boards/<board>.overlay names its board
  for (const ov of findFiles(path.join(zephyr, 'samples'), (p) => p.endsWith('.overlay') && path.basename(path.dirname(p)) === 'boards')) {
    const b = boards.get(path.basename(ov, '.overlay'));
    if (b) stacks.push({ kind: 'sample', board: b, overlays: [ov], open: ov, roots: [path.dirname(path.dirname(ov))] });
  }
  // shields: <shield>.overlay plus its boards/<board>.overlay for a board it names
  const shields = path.join(zephyr, 'boards/shields');
  for (const s of fs.existsSync(shields) ? fs.readdirSync(shields).sort() : []) {
    const dir = path.join(shields, s);
    if (!fs.statSync(dir).isDirectory()) continue;
    const mains = fs.readdirSync(dir).filter((f) => f.endsWith('.overlay')).sort();
    if (mains.length === 0) continue;
    const main = path.join(dir, mains[0]);
    const bdir = path.join(dir, 'boards');
    const named = fs.existsSync(bdir) ? fs.readdirSync(bdir).filter((f) => f.endsWith('.overlay')).sort() : [];
    const nb = named.map((f) => boards.get(f.slice(0, -8))).find((b) => b !== undefined);
    if (nb) stacks.push({ kind: 'shield', board: nb, overlays: [main, path.join(bdir, `${nb.name}.overlay`)], open: path.join(bdir, `${nb.name}.overlay`), roots: [dir] });
    else stacks.push({ kind: 'shield', overlays: [main], open: main, roots: [dir] });
  }
  // snippets: the overlays snippet.yml appends (the base: whatever zero configuration picks)
  for (const y of findFiles(path.join(zephyr, 'snippets'), (p) => path.basename(p) === 'snippet.yml')) {
    const m = /EXTRA_DTC_OVERLAY_FILE:\s*(\S+)/.exec(fs.readFileSync(y, 'utf8'));
    if (m) stacks.push({ kind: 'snippet', overlays: [path.resolve(path.dirname(y), m[1])], open: path.resolve(path.dirname(y), m[1]), roots: [] });
  }
  // apps: app.overlay (the base: the sample's twister platforms, as zero configuration picks it)
  for (const ov of findFiles(path.join(zephyr, 'samples'), (p) => path.basename(p) === 'app.overlay')) {
    stacks.push({ kind: 'app', overlays: [ov], open: ov, roots: [path.dirname(ov)] });
  }
  return stacks;
}

function cppArgs(zephyr: string, top: string, board: Board, overlays: string[], extraRoots: string[]): string[] {
  const roots = [...extraRoots, board.dir, ...listModulesCached(top).map((m) => m.dtsRoot).filter((d): d is string => !!d), zephyr];
  const seen = new Set<string>();
  const args = ['-x', 'assembler-with-cpp', '-nostdinc'];
  for (const r of roots) {
    const real = fs.realpathSync(r);
    if (seen.has(real)) continue;
    seen.add(real);
    for (const sub of ['include', 'include/zephyr', 'dts/common', `dts/${board.arch}`, 'dts']) {
      const p = path.join(real, sub);
      if (fs.existsSync(p)) args.push('-isystem', p);
    }
  }
  args.push('-include', board.dts);
  for (const o of overlays) args.push('-include', o);
  args.push('-undef', '-D__DTS__', '-E', path.join(zephyr, 'misc/empty_file.c'));
  return args;
}

let modulesMemo: { top: string; list: { dir: string; dtsRoot?: string }[] } | undefined;
function listModulesCached(top: string): { dir: string; dtsRoot?: string }[] {
  if (!modulesMemo || modulesMemo.top !== top) modulesMemo = { top, list: listModules(top) };
  return modulesMemo.list;
}

function frontEndErrors(a: Analysis, top: string): string[] {
  const out: string[] = [];
  for (const d of a.diagnostics) {
    if (!FRONT_END_CODES.has(d.code) || d.severity !== 'error') continue;
    const pos = a.lineIndex(d.file)?.positionAt(d.start) ?? { line: 0, character: 0 };
    out.push(`${path.relative(top, d.file)}:${pos.line + 1}:${pos.character + 1}: ${d.message} [${d.code}]`);
  }
  return out;
}

/** Ours against the reference text (null: dtc rejected the reference). */
async function judge(a: Analysis, ref: string | null, work: string, top: string): Promise<Omit<Outcome, 'id'>> {
  if (ref === null) return { accepted: false };
  const errors = frontEndErrors(a, top);
  const ours = path.join(work, 'ours.dts');
  fs.writeFileSync(ours, emitDts(a.tree));
  let text: string;
  try {
    text = await dtcToDts(ours, work, 'ours');
  } catch (e) {
    return { accepted: true, clean: errors.length === 0, equal: false, note: errors[0] ?? `dtc rejected --emit-dts output: ${String((e as Error).message).split('\n')[1] ?? ''}` };
  }
  const equal = text === ref;
  return { accepted: true, clean: errors.length === 0, equal, note: errors[0] ?? (equal ? undefined : firstDifference(text, ref)) };
}

async function reference(args: string[], work: string): Promise<string | null> {
  const pre = path.join(work, 'ref.pre');
  try {
    fs.writeFileSync(pre, await run('cpp', args));
    return await dtcToDts(pre, work, 'ref');
  } catch {
    return null;
  }
}

/** The CI sample: the first board of every architecture, then the first of every vendor in turn, 48 in all. */
function sampleBoards(boards: Board[]): Board[] {
  const picked: Board[] = [];
  const archs = new Set<string>();
  for (const b of boards) if (!archs.has(b.arch)) { archs.add(b.arch); picked.push(b); }
  const vendors = new Set(picked.map((b) => b.vendor));
  for (const b of boards) {
    if (picked.length >= 48) break;
    if (vendors.has(b.vendor)) continue;
    vendors.add(b.vendor);
    picked.push(b);
  }
  const rest = boards.filter((b) => !picked.includes(b));
  const step = Math.max(1, Math.floor(rest.length / Math.max(1, 48 - picked.length)));
  for (let i = 0; picked.length < 48 && i < rest.length; i += step) picked.push(rest[i]);
  return picked;
}

/** The CI sample of stacks: spread over samples (16), shields (10), snippets and app overlays (2 each). */
function sampleStacks(stacks: Stack[]): Stack[] {
  const out: Stack[] = [];
  for (const [kind, want] of [['sample', 16], ['shield', 10], ['snippet', 2], ['app', 2]] as const) {
    const of = stacks.filter((s) => s.kind === kind && (kind !== 'shield' || s.board));
    const step = Math.max(1, Math.floor(of.length / want));
    for (let i = 0, n = 0; i < of.length && n < want; i += step, n++) out.push(of[i]);
  }
  return out;
}

export async function zephyrCorpus(argv: string[]): Promise<number> {
  const i = argv.indexOf('--zephyr');
  const dirArg = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : undefined;
  const top = path.resolve(dirArg ?? path.join(process.env.DTS_SHARED ?? path.resolve(__dirname, '../../../shared'), 'corpus/zephyr'));
  const zephyr = path.join(top, 'zephyr');
  if (!fs.existsSync(path.join(zephyr, 'boards'))) {
    console.log(`zephyr corpus: skipped (${top} has no zephyr/boards)`);
    return 0;
  }
  const sample = argv.includes('--sample');
  const strict = argv.includes('--strict');
  const jsonIdx = argv.indexOf('--json');
  const only = argv.indexOf('--boards') >= 0 ? new Set(argv[argv.indexOf('--boards') + 1].split(',')) : undefined;

  const allBoards = listBoards(zephyr);
  const byName = new Map(allBoards.map((b) => [b.name, b] as const));
  let boards = sample ? sampleBoards(allBoards) : allBoards;
  if (only) boards = allBoards.filter((b) => only.has(b.name));
  if (argv.includes('--no-boards')) boards = [];
  let stacks = argv.includes('--no-stacks') || only ? [] : listStacks(zephyr, byName);
  if (sample) stacks = sampleStacks(stacks);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-zephyr-corpus-'));
  const host = new AnalysisHost(new NodeFileSystem(), {});
  const t0 = Date.now();
  const boardOut: Outcome[] = [];
  for (const b of boards) {
    const ref = await reference(cppArgs(zephyr, top, b, [], []), work);
    let o: Outcome;
    try {
      o = { id: `${b.arch}/${b.name}`, ...(await judge(host.analyze(b.dts), ref, work, top)) };
    } catch (e) {
      o = { id: `${b.arch}/${b.name}`, accepted: ref !== null, clean: false, equal: false, note: `internal error: ${(e as Error).stack}` };
    }
    boardOut.push(o);
    if (o.accepted && (!o.clean || !o.equal)) console.log(`board ${o.id}: ${o.clean ? 'clean' : 'NOT clean'}, ${o.equal ? 'equal' : 'DIFFERENT'}: ${o.note}`);
  }
  const stackOut: { zero: Outcome; given: Outcome }[] = [];
  for (const s of stacks) {
    const id = `${s.kind} ${path.relative(zephyr, s.open)}`;
    // zero configuration: the overlay alone
    let zero: Outcome;
    let given: Outcome;
    try {
      const a = host.analyze(s.open);
      const base = a.stack.base;
      const board = s.board ?? [...byName.values()].find((b) => b.dts === base);
      if (!board) {
        zero = { id, accepted: false, note: `zero configuration found no board (${a.stack.baseNote ?? 'none'})` };
        given = zero;
      } else {
        const overlays = s.board ? s.overlays : a.stack.overlays;
        const ref = await reference(cppArgs(zephyr, top, board, overlays, s.roots), work);
        zero = { id, zeroConfigBase: path.relative(zephyr, base), ...(await judge(a, ref, work, top)) };
        if (base !== board.dts) { zero.clean = false; zero.note = `zero configuration chose ${path.relative(zephyr, base)}, expected ${path.relative(zephyr, board.dts)}`; }
        // explicit: the board with --overlay
        const h2 = new AnalysisHost(new NodeFileSystem(), { overlays });
        given = { id, ...(await judge(h2.analyze(board.dts), ref, work, top)) };
      }
    } catch (e) {
      zero = { id, accepted: true, clean: false, equal: false, note: `internal error: ${(e as Error).stack}` };
      given = zero;
    }
    stackOut.push({ zero, given });
    for (const [how, o] of [['zero configuration', zero], ['--overlay', given]] as const) {
      if (o.accepted && (!o.clean || !o.equal)) console.log(`stack ${o.id} (${how}): ${o.clean ? 'clean' : 'NOT clean'}, ${o.equal ? 'equal' : 'DIFFERENT'}: ${o.note}`);
    }
  }
  fs.rmSync(work, { recursive: true, force: true });

  const acc = boardOut.filter((o) => o.accepted);
  const clean = acc.filter((o) => o.clean).length;
  const equal = acc.filter((o) => o.equal).length;
  const sAcc = stackOut.filter((s) => s.zero.accepted);
  const zOk = sAcc.filter((s) => s.zero.clean && s.zero.equal).length;
  const gOk = sAcc.filter((s) => s.given.clean && s.given.equal).length;
  const archs = new Set(boards.map((b) => b.arch)).size;
  const vendors = new Set(boards.map((b) => b.vendor)).size;
  const kinds = ['sample', 'shield', 'snippet', 'app'].map((k) => `${stackOut.filter((s) => s.zero.id.startsWith(k + ' ')).length} ${k}`).join(', ');
  console.log('');
  console.log(`zephyr workspace: ${top}${sample ? ' (CI sample)' : ''}`);
  console.log(`boards: ${boards.length} (${archs} architectures, ${vendors} vendors); dtc accepts ${acc.length}`);
  console.log(`  clean with zero configuration: ${clean}/${acc.length} (${acc.length ? ((100 * clean) / acc.length).toFixed(1) : '100'}%)`);
  console.log(`  merged tree equal to dtc's:    ${equal}/${acc.length} (${acc.length ? ((100 * equal) / acc.length).toFixed(1) : '100'}%)`);
  console.log(`overlay stacks: ${stackOut.length} (${kinds}); dtc accepts ${sAcc.length}`);
  console.log(`  clean and equal, zero configuration: ${zOk}/${sAcc.length}`);
  console.log(`  clean and equal, --overlay:          ${gOk}/${sAcc.length}`);
  console.log(`wall ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (jsonIdx >= 0) fs.writeFileSync(argv[jsonIdx + 1], JSON.stringify({ boards: boardOut, stacks: stackOut }, null, 1));
  if (strict && (clean !== acc.length || equal !== acc.length || zOk !== sAcc.length || gOk !== sAcc.length)) return 1;
  return 0;
}
