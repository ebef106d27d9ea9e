// bin/dts-format: the formatter for the terminal and CI.
//   dts-format [--check | --write] [--flavour linux|zephyr|uboot|dtc] FILE...
// By default prints the formatted text of each FILE. --check prints the files that are not
// formatted and exits 1 if there is one; --write rewrites them in place.
// Exit status: 0 done (or all formatted), 1 --check found unformatted files, 2 usage or I/O failure
// or a file the formatter refused (unbalanced braces).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileSystem } from '../base/node-fs';
import { formatText } from '../format';
import { detectFlavour, isFlavour, type Flavour } from '../workspace/flavour';

const USAGE = `usage: dts-format [--check | --write] [--flavour F] FILE...
  (default)        print the formatted text of each FILE
  --check          list the FILEs that are not formatted; exit status 1 if there is one
  --write          rewrite the FILEs that are not formatted
  --flavour F      linux, zephyr, uboot or dtc (default: detected from each file's location)
  -h, --help       this help
Only white space changes: the merged tree stays the same. Node and property order are code
actions in the editor, never changed here.
`;

export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  let mode: 'print' | 'check' | 'write' = 'print';
  let flavour: Flavour | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      out(USAGE);
      return 0;
    }
    if (a === '--check' || a === '--write') {
      const m = a === '--check' ? 'check' : 'write';
      if (mode !== 'print' && mode !== m) {
        err('dts-format: --check and --write exclude each other\n' + USAGE);
        return 2;
      }
      mode = m;
    } else if (a === '--flavour' || a === '--flavor' || a.startsWith('--flavour=') || a.startsWith('--flavor=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v || !isFlavour(v)) {
        err(`dts-format: --flavour takes linux, zephyr, uboot or dtc\n`);
        return 2;
      }
      flavour = v;
    } else if (a.startsWith('-') && a !== '-') {
      err(`dts-format: unknown option ${a}\n${USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    err(USAGE);
    return 2;
  }
  const nfs = new NodeFileSystem();
  let status = 0;
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      err(`dts-format: ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      status = 2;
      continue;
    }
    const fl = flavour ?? detectFlavour(path.resolve(f), nfs).flavour;
    const r = formatText(text, { flavour: fl });
    if (r.refused) {
      err(`dts-format: ${f}: not formatted: ${r.refused}\n`);
      status = 2;
      if (mode === 'print') out(text);
      continue;
    }
    if (mode === 'print') out(r.text);
    else if (r.text !== text) {
      if (mode === 'check') {
        out(`${f}\n`);
        if (status === 0) status = 1;
      } else {
        try {
          fs.writeFileSync(f, r.text);
          out(`formatted ${f}\n`);
        } catch (e) {
          err(`dts-format: ${f}: ${(e as Error).message}\n`);
          status = 2;
        }
      }
    }
  }
  return status;
}
