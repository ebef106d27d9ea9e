// Run /usr/bin/dtc for differential tests: compile DTS text to a blob and
// decompile the blob back to DTS (the canonical form two trees are compared in).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DTC = '/usr/bin/dtc';

export function dtcAvailable(): boolean {
  return fs.existsSync(DTC);
}

export interface DtcResult {
  ok: boolean;
  /** decompiled DTS of the blob (when ok) */
  dts: string;
  stderr: string;
}

let tmpDir: string | undefined;
let counter = 0;

function tmp(): string {
  if (!tmpDir) tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-tree-'));
  return tmpDir;
}

/** dtc -I dts -O dtb, then dtc -I dtb -O dts. `cwd` is where relative /incbin/ files are found. */
export function compileDecompile(dtsFile: string, extraArgs: string[] = []): DtcResult {
  const dtb = path.join(tmp(), `t${process.pid}-${counter++}.dtb`);
  const a = spawnSync(DTC, ['-q', '-I', 'dts', '-O', 'dtb', ...extraArgs, '-o', dtb, dtsFile], { encoding: 'utf8', cwd: path.dirname(dtsFile), timeout: 15000 });
  if (a.error && (a.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { ok: false, dts: '', stderr: 'dtc timed out (15 s)' };
  if (a.status !== 0) return { ok: false, dts: '', stderr: a.stderr || String(a.error ?? '') };
  const b = spawnSync(DTC, ['-q', '-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 15000 });
  try { fs.unlinkSync(dtb); } catch { /* ignore */ }
  if (b.status !== 0) return { ok: false, dts: '', stderr: b.stderr };
  return { ok: true, dts: b.stdout, stderr: a.stderr };
}

/** Same for DTS text (written to a temporary file next to nothing). */
export function compileDecompileText(text: string, extraArgs: string[] = [], dir?: string): DtcResult {
  const f = path.join(dir ?? tmp(), `.emit-${process.pid}-${counter++}.dts`);
  fs.writeFileSync(f, text);
  try {
    return compileDecompile(f, extraArgs);
  } finally {
    try { fs.unlinkSync(f); } catch { /* ignore */ }
  }
}
