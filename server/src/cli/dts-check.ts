// bin/dts-check: the same analysis as the language server, for the terminal and CI.
//   dts-check [-I dir]... [--define NAME[=VAL]]... [--format text|json|sarif]
//             [--severity CODE=LEVEL]... [--model FILE] [--emit-dts] FILE...
// Exit status: 0 no error-severity diagnostic, 1 at least one, 2 usage or I/O failure.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisHost, type AnalysisOptions } from '../analysis';
import type { Diagnostic, Severity, SeverityOverrides } from '../base/diagnostics';
import { NodeFileSystem } from '../base/node-fs';
import { LineIndex } from '../base/text';
import { emitDts } from '../tree/emit';
import { formatJson, formatSarif, formatText, type CliDiagnostic, type CliRange } from './format';

const VERSION = '0.1.0';

const USAGE = `usage: dts-check [options] FILE...
  -I DIR                 add an include directory (repeatable)
  -D, --define NAME[=V]  define a preprocessor macro (repeatable)
  --format FMT           text (default), json or sarif
  --severity CODE=LEVEL  set a diagnostic's severity: error|warning|information|hint|off|on (repeatable)
  --model FILE           IOMMU model override (JSON)
  --emit-dts             print the merged tree of FILE as DTS instead of diagnostics
  --no-auto-include      do not detect Linux/Zephyr include paths
  -h, --help             this help
  --version              print the version
`;

interface Args {
  files: string[];
  includePaths: string[];
  defines: Record<string, string>;
  format: 'text' | 'json' | 'sarif';
  severities: SeverityOverrides;
  model?: string;
  emitDts: boolean;
  autoInclude: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  const a: Args = { files: [], includePaths: [], defines: {}, format: 'text', severities: {}, emitDts: false, autoInclude: true };
  const need = (i: number, opt: string): string => {
    if (i >= argv.length) throw new UsageError(`option ${opt} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--version') return 'version';
    if (arg === '-I' || arg === '--include') a.includePaths.push(path.resolve(need(++i, arg)));
    else if (arg.startsWith('-I') && arg.length > 2) a.includePaths.push(path.resolve(arg.slice(2)));
    else if (arg === '-D' || arg === '--define') addDefine(a, need(++i, arg));
    else if (arg.startsWith('--define=')) addDefine(a, arg.slice('--define='.length));
    else if (arg.startsWith('-D') && arg.length > 2) addDefine(a, arg.slice(2));
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const f = arg === '--format' ? need(++i, arg) : arg.slice('--format='.length);
      if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format '${f}' (text, json or sarif)`);
      a.format = f;
    } else if (arg === '--severity' || arg.startsWith('--severity=')) {
      const s = arg === '--severity' ? need(++i, arg) : arg.slice('--severity='.length);
      const m = /^([a-z0-9-]+)=(error|warning|information|hint|off|on)$/.exec(s);
      if (!m) throw new UsageError(`--severity takes CODE=error|warning|information|hint|off|on, got '${s}'`);
      a.severities[m[1]] = m[2] as Severity | 'off' | 'on';
    } else if (arg === '--model' || arg.startsWith('--model=')) {
      a.model = path.resolve(arg === '--model' ? need(++i, arg) : arg.slice('--model='.length));
    } else if (arg === '--emit-dts') a.emitDts = true;
    else if (arg === '--no-auto-include') a.autoInclude = false;
    else if (arg === '--') a.files.push(...argv.slice(i + 1).map((f) => path.resolve(f))), (i = argv.length);
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    else a.files.push(path.resolve(arg));
  }
  if (a.files.length === 0) throw new UsageError('no input file');
  if (a.emitDts && a.files.length !== 1) throw new UsageError('--emit-dts takes exactly one FILE');
  return a;
}

function addDefine(a: Args, spec: string): void {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`invalid macro name in --define '${spec}'`);
  a.defines[name] = eq < 0 ? '1' : spec.slice(eq + 1);
}

export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  let args: Args | 'help' | 'version';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`dts-check: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    out(USAGE);
    return 0;
  }
  if (args === 'version') {
    out(`dts-check ${VERSION}\n`);
    return 0;
  }

  const fs = new NodeFileSystem();
  for (const f of args.files) {
    const st = fs.stat(f);
    if (st !== 'file') {
      err(`dts-check: ${f}: ${st === 'directory' ? 'is a directory' : 'no such file'}\n`);
      return 2;
    }
  }
  let modelOverride: unknown;
  if (args.model) {
    const r = fs.readFile(args.model);
    if (!r.ok) {
      err(`dts-check: cannot read model file: ${r.message}\n`);
      return 2;
    }
    try {
      modelOverride = JSON.parse(r.text);
    } catch (e) {
      err(`dts-check: ${args.model}: invalid JSON: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const options: AnalysisOptions = {
    includePaths: args.includePaths,
    defines: args.defines,
    severities: args.severities,
    modelOverride,
    autoDetectIncludePaths: args.autoInclude,
  };
  const host = new AnalysisHost(fs, options);

  if (args.emitDts) {
    const a = host.analyze(args.files[0]);
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      err(formatText(convert(errors, (f) => a.lineIndex(f)), displayPath));
    }
    out(emitDts(a.tree));
    return errors.length ? 1 : 0;
  }

  const all: CliDiagnostic[] = [];
  const seen = new Set<string>();
  for (const f of args.files) {
    const a = host.analyze(f);
    for (const d of convert(a.diagnostics, (file) => a.lineIndex(file))) {
      const key = `${d.file}\0${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}\0${d.code}\0${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(d);
    }
  }
  all.sort(compareDiagnostics);
  if (args.format === 'json') out(formatJson(all));
  else if (args.format === 'sarif') out(formatSarif(all, (f) => pathToFileURL(f).href, VERSION));
  else out(formatText(all, displayPath));
  return all.some((d) => d.severity === 'error') ? 1 : 0;
}

function displayPath(f: string): string {
  const rel = path.relative(process.cwd(), f);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : f;
}

function compareDiagnostics(a: CliDiagnostic, b: CliDiagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  return a.range.start.character - b.range.start.character;
}

function convert(diags: Diagnostic[], index: (file: string) => LineIndex | undefined): CliDiagnostic[] {
  const range = (file: string, start: number, end: number): CliRange => {
    const idx = index(file);
    if (!idx) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { start: idx.positionAt(start), end: idx.positionAt(end) };
  };
  return diags.map((d) => ({
    file: d.file,
    range: range(d.file, d.start, d.end),
    severity: d.severity,
    code: d.code,
    message: d.message,
    related: (d.related ?? []).map((r) => ({ file: r.file, range: range(r.file, r.start, r.end), message: r.message })),
  }));
}

if (require.main === module) {
  let code: number;
  try {
    code = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  } catch (e) {
    process.stderr.write(`dts-check: internal error: ${(e as Error).stack ?? e}\n`);
    code = 2;
  }
  process.exitCode = code;
}
