// The Linux kernel's composite DTBs: `<name>-dtbs := base.dtb overlay.dtbo ...` in the Makefiles of
// arch/*/boot/dts (scripts/Makefile.dtbs applies the overlays to the base with fdtoverlay). They give a .dtso its
// base with zero configuration. Only the Makefile beside the file and those above it, up to boot/dts, are read.
import type { FileSystem } from '../base/fs';
import { basename, dirname, join, normalize, resolve } from '../base/paths';

export interface Composite {
  /** the composite's name (`<name>.dtb` is built) */
  name: string;
  /** the base board's source */
  base: string;
  /** the overlays' sources, in the order fdtoverlay applies them */
  overlays: string[];
  /** the Makefile that says so */
  makefile: string;
}

const memo = new WeakMap<FileSystem, Map<string, Composite[]>>();

export function clearKbuildMemo(fs?: FileSystem): void {
  if (fs) memo.delete(fs);
}

/** The composite DTBs a Makefile declares (sources that do not exist are left out). */
export function parseComposites(makefile: string, text: string, fs: FileSystem): Composite[] {
  const dir = dirname(makefile);
  const lists = new Map<string, string[]>();
  // logical lines: a trailing backslash continues the line
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.replace(/#.*$/, '');
    const m = /^\s*([A-Za-z0-9_.,+-]+)-dtbs\s*(:=|\+=|=)\s*(.*)$/.exec(line);
    if (!m) continue;
    const items = m[3].split(/\s+/).filter((s) => s && !s.includes('$('));
    const list = m[2] === '+=' ? lists.get(m[1]) ?? [] : [];
    list.push(...items);
    lists.set(m[1], list);
  }
  const out: Composite[] = [];
  const source = (item: string, exts: string[]): string | undefined => {
    const stem = resolve(dir, item.replace(/\.dtbo?$/, ''));
    for (const e of exts) if (fs.stat(stem + e) === 'file') return stem + e;
    return undefined;
  };
  for (const [name, items] of lists) {
    const dtbs = items.filter((i) => i.endsWith('.dtb'));
    const dtbos = items.filter((i) => i.endsWith('.dtbo'));
    if (dtbs.length !== 1 || dtbos.length === 0) continue;
    const base = source(dtbs[0], ['.dts']);
    const overlays = dtbos.map((o) => source(o, ['.dtso', '.dts'])).filter((x): x is string => x !== undefined);
    if (base && overlays.length === dtbos.length) out.push({ name, base, overlays, makefile });
  }
  return out;
}

/** Composites that may use a file: those of the Makefiles in its folder and above, up to a boot/dts folder. */
export function composites(file: string, fs: FileSystem): Composite[] {
  let m = memo.get(fs);
  if (!m) { m = new Map(); memo.set(fs, m); }
  const out: Composite[] = [];
  let dir = dirname(normalize(file));
  for (let k = 0; k < 4; k++) {
    let list = m.get(dir);
    if (!list) {
      const mk = join(dir, 'Makefile');
      const r = fs.stat(mk) === 'file' ? fs.readFile(mk) : undefined;
      list = r && r.ok ? parseComposites(mk, r.text, fs) : [];
      m.set(dir, list);
    }
    out.push(...list);
    if (basename(dir) === 'dts' && basename(dirname(dir)) === 'boot') break;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}
