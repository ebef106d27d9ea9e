// Diagnostics publishing: each file shows the diagnostics of the context that owns it, once that
// context's analysis is fresh; only changed lists are sent; files no context owns any more are cleared.
// Also the diagnostic of an invalid IOMMU model override file, which no analysis produces.
import type { Diagnostic } from '../base/diagnostics';
import { LineIndex } from '../base/text';
import type { Context } from './contexts';
import { pathToUri, toLspDiagnostic } from './convert';
import { publishDiagnosticsJson } from './transport';
import type { DtsServer } from './server';

const MODEL_OVERRIDE_KEY = '["model-override"';
/** the list of a file without diagnostics (only read: one array, so that its publish memo holds at once) */
const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);

interface PublishMemo {
  diags: readonly Diagnostic[];
  key: string;
  lsp: unknown[];
  /** the line index of each file the conversion read */
  indexes: Map<string, LineIndex | undefined>;
  relatedSupported: boolean;
}

/** Equal lists of diagnostics, as far as their conversion reads them (not `node` and `property`). */
function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.file !== y.file || x.start !== y.start || x.end !== y.end || x.severity !== y.severity || x.code !== y.code || x.message !== y.message) return false;
    const xr = x.related ?? [];
    const yr = y.related ?? [];
    if (xr.length !== yr.length) return false;
    for (let k = 0; k < xr.length; k++) {
      if (xr[k].file !== yr[k].file || xr[k].start !== yr[k].start || xr[k].end !== yr[k].end || xr[k].message !== yr[k].message) return false;
    }
  }
  return true;
}

export class DiagnosticsPublisher {
  /** last published diagnostics per file (JSON, to send only changes) */
  private readonly published = new Map<string, string>();
  /**
   * per file: the diagnostics list last converted for publishing, its JSON, and the line index of each file the
   * conversion read (re-publishing an unchanged list is free; see sameConversion)
   */
  private readonly publishMemo = new Map<string, PublishMemo>();
  /** the client shows related information (else it goes into the message) */
  relatedSupported = true;
  /** last dts/contextStatus sent per context root */
  private readonly statusSent = new Map<string, string>();

  constructor(private readonly s: DtsServer) {}

  /** `status`: dts/contextStatus too (finishAnalysis sends it after its log line: see there). */
  publish(status = true): void {
    const s = this.s;
    if (s.isShuttingDown) return;
    const want = new Map<string, { ctx: Context; diags: readonly Diagnostic[] }>();
    const skip = new Set<string>();
    // (this runs after every keystroke's analysis, before its diagnostics go out: the files are visited where they
    // are, not copied into a set per context, and the open documents' contexts are listed once)
    const active = s.contexts.activeRoots();
    for (const ctx of s.contexts.byRoot.values()) {
      const stale = s.contexts.isStale(ctx);
      const visit = (file: string): void => {
        if (want.has(file) || skip.has(file)) return;
        if (s.contexts.ownerOf(file, active) !== ctx) return;
        if (stale) { skip.add(file); return; } // keep what was published until a fresh result
        want.set(file, { ctx, diags: ctx.diagnosticsByFile.get(file) ?? NO_DIAGNOSTICS });
      };
      // (the context's files, then the other files it has diagnostics for)
      ctx.files.forEach(visit);
      ctx.diagnosticsByFile.forEach((_, file) => { if (!ctx.files.has(file)) visit(file); });
    }
    for (const [file, { ctx, diags }] of want) {
      // the lists of a context are new arrays after each of its analyses: the same array converts the same, and so
      // does an equal list whose files have the same texts (a keystroke in one file leaves the others' as they were)
      let memo = this.publishMemo.get(file);
      if (memo && memo.diags !== diags && this.sameConversion(memo, ctx, diags)) memo.diags = diags;
      if (!memo || memo.diags !== diags) {
        const indexes = new Map<string, LineIndex | undefined>();
        const lineIndexOf = (f: string) => {
          if (!indexes.has(f)) indexes.set(f, this.lineIndexFor(ctx, f));
          return indexes.get(f);
        };
        const converted = diags.map((d) => toLspDiagnostic(d, lineIndexOf, this.relatedSupported));
        memo = { diags, key: JSON.stringify(converted), lsp: converted, indexes, relatedSupported: this.relatedSupported };
        this.publishMemo.set(file, memo);
      }
      const key = memo.key;
      const lsp = memo.lsp as ReturnType<typeof toLspDiagnostic>[];
      if (this.published.get(file) === key) continue;
      if (lsp.length === 0 && !this.published.has(file)) {
        // nothing was published before: publish empties only for open documents (clears stale client state)
        if (!s.contexts.docContext.has(file)) continue;
      }
      this.published.set(file, key);
      const version = ctx.versions.get(file);
      const uri = pathToUri(file);
      // (on --stdio the list goes out as the JSON made of it above, not serialised again)
      if (s.frameWriter) void s.frameWriter.writeJson(publishDiagnosticsJson(uri, version, key)).catch(() => undefined);
      else void s.connection.sendDiagnostics({ uri, version, diagnostics: lsp }).catch(() => undefined);
      if (s.stats.firstDiagnosticsMs < 0 && lsp.length >= 0) s.stats.firstDiagnosticsMs = Date.now() - s.startedAt;
    }
    if (status) this.sendContextStatus();
    // files no context owns any more (closed board, removed include): clear (a Map's forEach may delete the entry it is at)
    this.published.forEach((key, file) => {
      if (want.has(file) || skip.has(file)) return;
      if (key.startsWith(MODEL_OVERRIDE_KEY)) return;
      this.published.delete(file);
      this.publishMemo.delete(file);
      void s.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [] }).catch(() => undefined);
    });
  }

  /**
   * dts/contextStatus: for each freshly analysed context, how many problems it has over all its files,
   * so that the editor can say "analysed, no problems" for a clean board. Sent after each analysis.
   */
  sendContextStatus(): void {
    const s = this.s;
    for (const ctx of s.contexts.byRoot.values()) {
      if (!ctx.analysis || s.contexts.isStale(ctx)) continue;
      const count = { error: 0, warning: 0, information: 0, hint: 0 };
      for (const list of ctx.diagnosticsByFile.values()) for (const d of list) count[d.severity]++;
      const status = {
        root: ctx.root,
        rootUri: pathToUri(ctx.root),
        errors: count.error,
        warnings: count.warning,
        infos: count.information + count.hint,
        files: ctx.files.size,
        flavour: ctx.analysis.flavour,
        durationMs: Math.round(ctx.durationMs),
        /** how many analyses of the context so far: a new number is a fresh analysis (the graph view refreshes) */
        analyses: ctx.analyses,
      };
      const key = JSON.stringify(status);
      if (this.statusSent.get(ctx.root) === key) continue;
      this.statusSent.set(ctx.root, key);
      void s.connection.sendNotification('dts/contextStatus', status).catch(() => undefined);
    }
  }

  /**
   * Does `diags` convert as the memo's list did? When it is equal item by item (positions, codes, messages, related
   * places) and every file the conversion read has the same line index now (an analysis keeps a file's index while
   * its text is the same: AnalysisHost.lineIndexOf), the LSP list is the same.
   */
  private sameConversion(memo: PublishMemo, ctx: Context, diags: readonly Diagnostic[]): boolean {
    if (memo.relatedSupported !== this.relatedSupported || !sameDiagnostics(memo.diags, diags)) return false;
    for (const [f, idx] of memo.indexes) if (idx === undefined || this.lineIndexFor(ctx, f) !== idx) return false;
    return true;
  }

  /** The line index of a file as the context's analysis saw it. */
  lineIndexFor(ctx: Context, file: string): LineIndex | undefined {
    let idx = ctx.lineIndexes.get(file);
    if (!idx) {
      idx = ctx.analysis?.lineIndex(file);
      if (!idx) {
        const r = this.s.fs.readFile(file);
        if (!r.ok) return undefined;
        idx = new LineIndex(r.text);
      }
      ctx.lineIndexes.set(file, idx);
    }
    return idx;
  }

  /** Publish the problem of the model override file as a diagnostic on that file. */
  reportModelOverride(file: string, message: string, start: number, end: number, text = ''): void {
    const idx = new LineIndex(text);
    const d: Diagnostic = { file, start, end, severity: 'error', code: 'model-override-invalid', message };
    void this.s.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [toLspDiagnostic(d, () => idx)] });
    this.published.set(file, JSON.stringify(['model-override', message]));
  }

  clearModelOverrideDiagnostic(): void {
    for (const [file, key] of this.published) {
      if (key.startsWith(MODEL_OVERRIDE_KEY)) {
        this.published.delete(file);
        void this.s.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [] });
      }
    }
  }
}
