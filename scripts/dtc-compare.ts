// Helpers shared by the corpus scripts: running a tool, dtc's round trip (source -> blob -> DTS text, the
// normal form two trees are compared in), and the first line where two texts differ.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export async function run(cmd: string, args: string[]): Promise<string> {
  const r = await execFileP(cmd, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return r.stdout;
}

/** dtc -I dts -O dtb, then back to DTS (`searchDirs`: dtc's -i for /include/). */
export async function dtcToDts(src: string, work: string, tag: string, searchDirs: string[] = []): Promise<string> {
  const dtb = path.join(work, `${tag}.dtb`);
  await run('dtc', ['-q', ...searchDirs.flatMap((d) => ['-i', d]), '-I', 'dts', '-O', 'dtb', '-o', dtb, src]);
  return run('dtc', ['-q', '-I', 'dtb', '-O', 'dts', dtb]);
}

export function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: ours ${JSON.stringify(la[i] ?? '<eof>')} vs dtc ${JSON.stringify(lb[i] ?? '<eof>')}`;
  }
  return 'identical';
}
