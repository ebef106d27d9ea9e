// The C preprocessor stage, in the mode the kernel and Zephyr use for .dts:
//   cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp
// plus dtc's /include/ (inserted raw, as dtc does after cpp). Produces one
// output text, a segment source map back to the files the user wrote, and
// diagnostics. Never throws; all file access goes through options.fs.
import { normalize } from '../base/paths';
import { PreprocessCacheImpl } from './cache';
import { definitionsOf, reprocessEdit, type IncrementalHost } from './incremental';
import { tokenize } from './lexer';
import { parseDefine } from './macros';
import { Scanner } from './scanner';
import { SEG_ARG, SEG_GAP, SEG_MACRO, SEG_VERBATIM, SourceMapImpl } from './sourcemap';
import type { MacroDefinition, PreprocessOptions, PreprocessResult } from './types';

export type { PreprocessCacheImpl } from './cache';

/** Create the cache shared across runs; `hits`, `misses` and `stats` are exposed for tests and benchmarks. */
export function createPreprocessCache(): PreprocessCacheImpl {
  return new PreprocessCacheImpl();
}

export function preprocess(rootFile: string, options: PreprocessOptions): PreprocessResult {
  const run = new Run(options);
  return run.incremental(rootFile) ?? run.run(rootFile);
}

/** One preprocessor run (the layers: state.ts → cache-splice.ts → conditionals.ts → expansion.ts → includes.ts → scanner.ts). */
class Run extends Scanner implements IncrementalHost {

  /** The result by replaying the last run of this root with one verbatim edit (incremental.ts), if possible. */
  incremental(rootFile: string): PreprocessResult | undefined {
    const cache = this.cache;
    if (!cache) return undefined;
    const root = normalize(rootFile);
    const record = cache.record(this.recordKey(root));
    if (!record || record.key !== this.key) return undefined;
    const r = reprocessEdit(record, this);
    if (!r) return undefined;
    if (r.changed !== root) cache.noteText(r.changed, r.record.texts.get(r.changed)!, record.texts.get(r.changed));
    cache.setRecord(this.recordKey(root), r.record);
    cache.incremental++;
    return r.result;
  }

  /** The replay record of a root alone and of the root with a stack are kept apart (a board and its overlay's context). */
  private recordKey(root: string): string {
    return this.stackFiles.length ? `${root}\u0003${this.stackFiles.join('\u0000')}` : root;
  }

  run(rootFile: string): PreprocessResult {
    const root = normalize(rootFile);
    for (const [name, value] of Object.entries(this.predefined)) {
      const toks = tokenize(`${name} ${value}`, 0, name.length + 1 + value.length, -1);
      if (toks.length === 0 || toks[0].t !== name) {
        this.diag('macro-error', 'error', `invalid predefined macro name "${name}"`, { file: root, start: 0, end: 0 });
        continue;
      }
      const m = parseDefine(toks, undefined);
      if ('message' in m) {
        this.diag('macro-error', 'error', `invalid predefined macro ${name}: ${m.message}`, { file: root, start: 0, end: 0 });
        continue;
      }
      this.macros.set(name, m);
    }
    this.macros.forEach((m, name) => this.noteDefined(name, m));
    // the root, then the stack's files (cpp -include): one run, one macro table
    for (const file of [root, ...this.stackFiles]) {
      if (this.stopped) break;
      const r = this.read(file);
      const fi = this.fileId(file);
      if (!r.ok) {
        this.unsafe = true;
        this.diag(r.reason === 'not-found' ? 'include-not-found' : 'include-error', 'error', r.message, { file, start: 0, end: 0 });
        continue;
      }
      if (file !== root && this.outLen > 0 && !this.lastOutputText().endsWith('\n')) {
        // the next file starts on a line of its own, as cpp's -include does
        this.emitText('\n', fi, 0, 0, SEG_GAP, -1);
      }
      this.copied(file);
      this.stack.push(this.real(file));
      this.processFile(file, file, r.text, -1, 0);
      this.stack.pop();
    }
    const text = this.outParts.join('');
    const macros = definitionsOf(this.macros);
    const result: PreprocessResult = {
      root,
      text,
      map: new SourceMapImpl(text.length, this.files, this.segs, this.uses, root),
      diagnostics: this.diagnostics,
      includes: this.includes,
      files: this.files,
      get macros(): Map<string, MacroDefinition> { return macros(); },
      macroUses: this.uses,
      inactiveRanges: this.inactive,
    };
    if (this.cache) {
      if (this.stopped || this.unsafe) this.cache.setRecord(this.recordKey(root), undefined);
      else {
        const texts = new Map<string, string>();
        this.readMemo.forEach((rr, path) => { if (rr.ok) texts.set(path, rr.text); });
        this.cache.setRecord(this.recordKey(root), {
          key: this.key, result, segs: this.segs, texts, resolutions: this.allResolutions,
          copies: this.copies, everDefined: this.everDefined, functionLike: this.functionLike, usedLine: this.usedLine,
          table: this.macros,
        });
      }
    }
    return result;
  }
}

export { SEG_ARG, SEG_GAP, SEG_MACRO, SEG_VERBATIM };
