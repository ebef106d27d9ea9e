// Editor features: LSP requests -> server/src/features (plain data, file offsets)
// -> LSP results. Every handler is guarded: an exception is logged and answered
// with an empty result; unknown documents and positions past the end give null.
import {
  CallHierarchyIncomingCall,
  CallHierarchyItem,
  CallHierarchyOutgoingCall,
  CodeAction,
  CodeActionKind,
  CompletionItem,
  CompletionItemKind,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  FoldingRangeKind,
  Hover,
  InsertTextFormat,
  Location,
  MarkupKind,
  ResponseError,
  SemanticTokensBuilder,
  SignatureHelp,
  SymbolInformation,
  SymbolKind,
  TextEdit,
  WorkspaceEdit,
  type ServerCapabilities,
  type TextDocumentPositionParams,
} from 'vscode-languageserver';
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import { LineIndex } from '../base/text';
import * as features from '../features';
import { nodePath } from '../tree/types';
import { fileRangeToLocation, offsetOf, pathToUri, toLspDiagnostic, toRange, uriToPath } from './convert';
import { registerEditorHandlers } from './editor-handlers';
import { registerFormatHandlers, sortCodeActions } from './format-handlers';
import { MappedLineIndex } from './position-map';
import type { DtsServer } from './server';

export function serverCapabilities(): ServerCapabilities {
  return {
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    callHierarchyProvider: true,
    documentSymbolProvider: true,
    workspaceSymbolProvider: true,
    foldingRangeProvider: true,
    semanticTokensProvider: {
      legend: { tokenTypes: [...features.SEMANTIC_TOKEN_TYPES], tokenModifiers: [...features.SEMANTIC_TOKEN_MODIFIERS] },
      full: true,
      range: false,
    },
    completionProvider: { triggerCharacters: ['&', '<', '"', '#', '/', ' '], resolveProvider: false },
    renameProvider: { prepareProvider: true },
    documentLinkProvider: { resolveProvider: false },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    inlayHintProvider: true,
    codeLensProvider: { resolveProvider: false },
    documentHighlightProvider: true,
    selectionRangeProvider: true,
    signatureHelpProvider: { triggerCharacters: ['<', ' '], retriggerCharacters: [' ', ','] },
    typeDefinitionProvider: true,
  };
}

interface At {
  analysis: Analysis;
  file: string;
  offset: number;
  lineIndexOf: (f: string) => LineIndex | undefined;
}

export function registerFeatureHandlers(server: DtsServer): void {
  const c = server.connection;
  const g = server.guard.bind(server);

  /** Analysis + file + offset for a position request; undefined for unknown documents and positions past the end. */
  const at = (p: TextDocumentPositionParams): At | undefined => {
    const r = server.analysisFor(p.textDocument.uri);
    if (!r) return undefined;
    const idx = r.lineIndexOf(r.file);
    if (!idx) return undefined;
    const offset = offsetOf(idx, p.position);
    if (offset === undefined) return undefined;
    return { analysis: r.analysis, file: r.file, offset, lineIndexOf: r.lineIndexOf };
  };
  const forDoc = (uri: string) => server.analysisFor(uri);
  const loc = (a: At | { lineIndexOf: (f: string) => LineIndex | undefined }, r: FileRange): Location => fileRangeToLocation(r, a.lineIndexOf);
  const range = (a: { lineIndexOf: (f: string) => LineIndex | undefined }, r: FileRange) => toRange(a.lineIndexOf(r.file), r.start, r.end);
  const locations = (a: At, rs: FileRange[]): Location[] => rs.map((r) => loc(a, r));

  c.onHover(
    g('hover', null, (p): Hover | null => {
      const a = at(p);
      if (!a) return null;
      const base = features.getHover(a.analysis, a.file, a.offset);
      // the binding's section (bindings.ts gives what the worker or the in-process bindings know)
      const b = features.bindingHover(a.analysis, server.bindings.docsFor(a.analysis), a.file, a.offset);
      const h = base && b ? { ...base, markdown: `${base.markdown}\n\n---\n\n${b.markdown}` } : base ?? b;
      if (!h) return null;
      const markdown = server.clientCapabilities.textDocument?.hover?.contentFormat?.includes(MarkupKind.Markdown) ?? true;
      return {
        contents: { kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: h.markdown },
        range: h.range.file === a.file ? range(a, h.range) : undefined,
      };
    }),
  );

  c.onDefinition(
    g('definition', null, (p) => {
      const a = at(p);
      if (!a) return null;
      return locations(a, features.getDefinition(a.analysis, a.file, a.offset));
    }),
  );

  c.onReferences(
    g('references', null, (p) => {
      const a = at(p);
      if (!a) return null;
      return locations(a, features.getReferences(a.analysis, a.file, a.offset, p.context?.includeDeclaration ?? true));
    }),
  );

  c.onRequest(
    'dts/goToSupplier',
    g('dts/goToSupplier', [] as Location[], (p: TextDocumentPositionParams) => {
      const a = at(p);
      if (!a) return [];
      return locations(a, features.getSupplierLocations(a.analysis, a.file, a.offset));
    }),
  );

  c.onRequest(
    'dts/explainProbeOrder',
    g('dts/explainProbeOrder', null, (p: TextDocumentPositionParams) => {
      const a = at(p);
      if (!a) return null;
      return features.getProbeExplanation(a.analysis, a.file, a.offset) ?? null;
    }),
  );

  c.onRequest(
    'dts/goToConsumers',
    g('dts/goToConsumers', [] as Location[], (p: TextDocumentPositionParams) => {
      const a = at(p);
      if (!a) return [];
      return locations(a, features.getConsumerLocations(a.analysis, a.file, a.offset));
    }),
  );

  // the same as lists of nodes (one row per consumer / supplier, with the bindings), for the VS Code pickers
  const navList = (l: features.NavList | undefined, a: At) =>
    l && {
      of: l.of,
      items: l.items.map((it) => ({ ...it, location: loc(a, it.location), specifiers: it.specifiers.map((r) => loc(a, r)) })),
    };
  c.onRequest(
    'dts/consumerList',
    g('dts/consumerList', null, (p: TextDocumentPositionParams) => {
      const a = at(p);
      return a ? navList(features.getConsumerList(a.analysis, a.file, a.offset), a) ?? null : null;
    }),
  );
  c.onRequest(
    'dts/supplierList',
    g('dts/supplierList', null, (p: TextDocumentPositionParams) => {
      const a = at(p);
      return a ? navList(features.getSupplierList(a.analysis, a.file, a.offset), a) ?? null : null;
    }),
  );

  // call hierarchy: incoming = consumers, outgoing = suppliers
  const toItem = (a: { lineIndexOf: (f: string) => LineIndex | undefined }, it: features.HierarchyItem): CallHierarchyItem => ({
    name: it.name,
    detail: it.detail,
    kind: SymbolKind.Object,
    uri: pathToUri(it.file),
    range: range(a, it.range),
    selectionRange: range(a, it.selectionRange),
    data: { path: it.path, file: it.file, range: it.range, selectionRange: it.selectionRange, name: it.name, detail: it.detail },
  });
  const fromItem = (item: CallHierarchyItem): features.HierarchyItem | undefined => {
    const d = item.data as features.HierarchyItem | undefined;
    if (!d || typeof d.path !== 'string') return undefined;
    return d;
  };
  c.languages.callHierarchy.onPrepare(
    g('callHierarchy/prepare', null, (p): CallHierarchyItem[] | null => {
      const a = at(p);
      if (!a) return null;
      const items = features.prepareCallHierarchy(a.analysis, a.file, a.offset);
      return items.length ? items.map((it) => toItem(a, it)) : null;
    }),
  );
  c.languages.callHierarchy.onIncomingCalls(
    g('callHierarchy/incomingCalls', null, (p): CallHierarchyIncomingCall[] | null => {
      const it = fromItem(p.item);
      const r = forDoc(p.item.uri);
      if (!it || !r) return null;
      return features.incomingCalls(r.analysis, it).map((call) => ({ from: toItem(r, call.from), fromRanges: call.fromRanges.map((x) => range(r, x)) }));
    }),
  );
  c.languages.callHierarchy.onOutgoingCalls(
    g('callHierarchy/outgoingCalls', null, (p): CallHierarchyOutgoingCall[] | null => {
      const it = fromItem(p.item);
      const r = forDoc(p.item.uri);
      if (!it || !r) return null;
      // fromRanges are in the caller's file (the item's document)
      return features.outgoingCalls(r.analysis, it).map((call) => ({ to: toItem(r, call.to), fromRanges: call.fromRanges.filter((x) => x.file === it.file).map((x) => range(r, x)) }));
    }),
  );

  const symbolKind: Record<features.DocSymbolKind, SymbolKind> = {
    root: SymbolKind.Namespace,
    node: SymbolKind.Object,
    property: SymbolKind.Property,
    label: SymbolKind.Key,
    reference: SymbolKind.Module,
  };
  const toDocSymbol = (r: { lineIndexOf: (f: string) => LineIndex | undefined }, s: features.DocSymbol, depth = 0): DocumentSymbol => ({
    name: s.name || '/',
    detail: s.detail,
    kind: symbolKind[s.kind] ?? SymbolKind.Object,
    range: range(r, s.range),
    selectionRange: range(r, s.selectionRange),
    children: depth < 64 ? s.children.map((ch) => toDocSymbol(r, ch, depth + 1)) : [],
  });
  c.onDocumentSymbol(
    g('documentSymbol', null, (p) => {
      const r = forDoc(p.textDocument.uri);
      if (!r) return null;
      return features.getDocumentSymbols(r.analysis, r.file).map((s) => toDocSymbol(r, s));
    }),
  );

  c.onWorkspaceSymbol(
    g('workspaceSymbol', [] as SymbolInformation[], (p): SymbolInformation[] => {
      const analyses = server.allAnalyses();
      return features.getWorkspaceSymbols(analyses, p.query ?? '').map((s) => ({
        name: s.name,
        kind: s.kind === 'label' ? SymbolKind.Key : SymbolKind.Object,
        containerName: s.container,
        location: fileRangeToLocation(s.location, (f) => server.lineIndexForAnalysis(analyses[0], f)),
      }));
    }),
  );

  c.onFoldingRanges(
    g('foldingRange', null, (p): FoldingRange[] | null => {
      const doc = server.documents.get(p.textDocument.uri);
      let text = doc?.getText();
      if (text === undefined) {
        const file = uriToPath(p.textDocument.uri);
        const r = file ? server.fs.readFile(file) : undefined;
        if (!r || !r.ok) return null;
        text = r.text;
      }
      return features.getFoldingRanges(text).map((f) => ({
        startLine: f.startLine,
        endLine: f.endLine,
        kind: f.kind === 'comment' ? FoldingRangeKind.Comment : f.kind === 'region' ? FoldingRangeKind.Region : undefined,
      }));
    }),
  );

  c.languages.semanticTokens.on(
    g('semanticTokens/full', { data: [] as number[] }, (p) => {
      const r = forDoc(p.textDocument.uri);
      if (!r) return { data: [] };
      const tokens = remapTokens(r.analysis, r.file, r.lineIndexOf(r.file), features.getSemanticTokens(r.analysis, r.file))
        .sort((x, y) => x.line - y.line || x.char - y.char);
      const b = new SemanticTokensBuilder();
      let lastLine = -1;
      let lastEnd = -1;
      for (const t of tokens) {
        if (t.length <= 0) continue;
        if (t.line === lastLine && t.char < lastEnd) continue; // overlapping tokens are not allowed
        b.push(t.line, t.char, t.length, t.type, t.modifiers);
        lastLine = t.line;
        lastEnd = t.char + t.length;
      }
      return b.build();
    }),
  );

  c.onDocumentLinks(
    g('documentLink', null, (p): DocumentLink[] | null => {
      const r = forDoc(p.textDocument.uri);
      if (!r) return null;
      return features.getDocumentLinks(r.analysis, r.file).map((l) => ({ range: range(r, l.range), target: pathToUri(l.target), tooltip: l.target }));
    }),
  );

  c.onPrepareRename(
    g('prepareRename', null, (p) => {
      const a = at(p);
      if (!a) return null;
      const r = features.prepareRename(a.analysis, a.file, a.offset);
      if (!r) return null;
      if ('error' in r) throw new ResponseError(-32803 /* RequestFailed */, r.error);
      return { range: range(a, r.range), placeholder: r.placeholder };
    }),
  );

  c.onRenameRequest(
    g('rename', null, (p): WorkspaceEdit | null => {
      const a = at(p);
      if (!a) return null;
      const edits = features.getRenameEdits(a.analysis, a.file, a.offset, p.newName);
      if ('error' in edits) throw new ResponseError(-32803, edits.error);
      const changes: Record<string, TextEdit[]> = {};
      for (const e of edits) {
        const uri = pathToUri(e.file);
        (changes[uri] ??= []).push({ range: range(a, e), newText: e.newText });
      }
      return { changes };
    }),
  );

  registerCompletionAndActions(server, at, forDoc, range);
  registerFormatHandlers(server);
  registerEditorHandlers(server);

}

type RangeFn = (a: { lineIndexOf: (f: string) => LineIndex | undefined }, r: FileRange) => ReturnType<typeof toRange>;

function registerCompletionAndActions(
  server: DtsServer,
  at: (p: TextDocumentPositionParams) => At | undefined,
  forDoc: (uri: string) => { analysis: Analysis; file: string; lineIndexOf: (f: string) => LineIndex | undefined } | undefined,
  range: RangeFn,
): void {
  const c = server.connection;
  const g = server.guard.bind(server);
  const kinds: Record<features.CompletionKind, CompletionItemKind> = {
    label: CompletionItemKind.Reference,
    node: CompletionItemKind.Module,
    property: CompletionItemKind.Property,
    value: CompletionItemKind.Value,
    file: CompletionItemKind.File,
    folder: CompletionItemKind.Folder,
    macro: CompletionItemKind.Constant,
    keyword: CompletionItemKind.Keyword,
  };
  c.onCompletion(
    g('completion', null, (p): CompletionItem[] | null => {
      const a = at(p);
      if (!a) return null;
      // completion works on the text as it is now (what was just typed), even when the last analysis is
      // older (answered while the fresh one runs: its positions are mapped, MappedLineIndex): offsets and
      // ranges of the current text, the analysis consulted at the mapped offset (toAnalysedOffset)
      const idx = a.lineIndexOf(a.file)!; // (at() found it)
      const current = idx instanceof MappedLineIndex ? new LineIndex(idx.text) : idx;
      const text = current.text;
      const offset = offsetOf(current, p.position);
      if (offset === undefined) return null;
      const items = features.getCompletions(a.analysis, a.file, offset, text);
      const seen = new Set(items.map((x) => x.label));
      const analysed = features.toAnalysedOffset(a.analysis, a.file, offset, text);
      for (const it of features.bindingCompletions(a.analysis, server.bindings.docsFor(a.analysis), a.file, offset, analysed, text)) {
        if (!seen.has(it.label)) items.push(it);
        seen.add(it.label);
      }
      return items.map((it) => {
        const out: CompletionItem = { label: it.label, kind: kinds[it.kind] ?? CompletionItemKind.Text, detail: it.detail };
        if (it.documentation) out.documentation = { kind: MarkupKind.Markdown, value: it.documentation };
        const newText = it.insertText ?? it.label;
        if (it.range && it.range.file === a.file) out.textEdit = { range: toRange(current, it.range.start, it.range.end), newText };
        else if (it.insertText !== undefined) out.insertText = it.insertText;
        out.insertTextFormat = InsertTextFormat.PlainText;
        return out;
      });
    }),
  );

  c.onSignatureHelp(
    g('signatureHelp', null, (p): SignatureHelp | null => {
      const a = at(p);
      if (!a) return null;
      const h = features.getSignatureHelp(a.analysis, server.bindings.docsFor(a.analysis), a.file, a.offset);
      if (!h) return null;
      return {
        signatures: [{
          label: h.label,
          documentation: h.documentation ? { kind: MarkupKind.Markdown, value: h.documentation } : undefined,
          parameters: h.parameters.map((x) => ({ label: x.label, documentation: x.documentation })),
        }],
        activeSignature: 0,
        activeParameter: h.activeParameter,
      };
    }),
  );

  c.onTypeDefinition(
    g('typeDefinition', null, (p) => {
      const a = at(p);
      if (!a) return null;
      const targets = features.getTypeDefinition(a.analysis, server.bindings.docsFor(a.analysis), a.file, a.offset);
      return targets.map((r) => fileRangeToLocation(r, (f) => a.lineIndexOf(f) ?? a.analysis.lineIndex(f)));
    }),
  );

  c.onCodeAction(
    g('codeAction', null, (p): CodeAction[] | null => {
      const wants = (kind: string) => !p.context.only || p.context.only.some((k) => k === '' || k === kind || kind.startsWith(k + '.'));
      // the orderings of dts-coding-style.rst (refactor.rewrite), from the text alone
      const sorts = wants(CodeActionKind.RefactorRewrite) ? sortCodeActions(server, p.textDocument.uri, p.range) : [];
      const r = forDoc(p.textDocument.uri);
      if (!r || !wants(CodeActionKind.QuickFix)) return sorts;
      const idx = r.lineIndexOf(r.file);
      if (!idx) return sorts;
      const start = offsetOf(idx, p.range.start) ?? idx.text.length;
      const end = offsetOf(idx, p.range.end) ?? idx.text.length;
      const diagnostics = r.analysis.diagnostics.filter((d) => d.file === r.file);
      return features.getCodeActions(r.analysis, r.file, start, Math.max(start, end), diagnostics).map((act): CodeAction => {
        const changes: Record<string, TextEdit[]> = {};
        for (const e of act.edits) (changes[pathToUri(e.file)] ??= []).push({ range: range(r, e), newText: e.newText });
        const diag = toLspDiagnostic(act.diagnostic, r.lineIndexOf);
        return { title: act.title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: true, edit: { changes } };
      }).concat(sorts);
    }),
  );

  c.onRequest(
    'dts/supplierGraph',
    g('dts/supplierGraph', null, (p: TextDocumentPositionParams & { whole?: boolean; focusOnly?: boolean }) => {
      const r = forDoc(p.textDocument.uri);
      if (!r) return null;
      let focus: string | undefined;
      let focusName: string | undefined;
      if (!p.whole && p.position) {
        const a = at(p);
        if (a) {
          const l = features.locate(a.analysis, a.file, a.offset);
          const n = l?.node ?? l?.enclosingNode;
          if (n) {
            focus = nodePath(n);
            focusName = n.labels.length ? n.labels[0].name : n.parent ? n.name : '/';
          }
        }
      }
      // the client follows the cursor with this cheap form
      if (p.focusOnly) return { focus, focusName };
      const view = features.getSupplierGraphView(r.analysis, focus);
      return {
        focus: view.focus,
        focusName,
        root: r.analysis.root,
        truncated: view.truncated ?? false,
        bindings: view.bindings,
        nodes: view.nodes.map((n) => ({
          id: n.id,
          label: n.label,
          name: n.name,
          path: n.path,
          owner: n.owner,
          kind: n.kind,
          status: n.status,
          hazards: n.hazards,
          location: fileRangeToLocation(n.location, r.lineIndexOf),
        })),
        edges: view.edges.map((e, i) => ({
          id: `e${i}`,
          source: e.from,
          target: e.to,
          binding: e.binding,
          optional: e.optional,
          hazards: e.hazards,
          location: e.location ? fileRangeToLocation(e.location, r.lineIndexOf) : undefined,
        })),
      };
    }),
  );
}


/**
 * Semantic tokens of an analysis older than the document (see MappedLineIndex): moved to the current text;
 * those in text changed since are left out. Tokens of an up-to-date analysis come back as they are (a copy).
 */
function remapTokens(a: Analysis, file: string, idx: LineIndex | undefined, tokens: features.SemanticToken[]): features.SemanticToken[] {
  const old = a.lineIndex(file);
  if (!(idx instanceof MappedLineIndex) || !old) return tokens.slice();
  const out: features.SemanticToken[] = [];
  for (const t of tokens) {
    const start = old.offsetAt({ line: t.line, character: t.char });
    if (idx.changedAt(start) || idx.changedAt(start + t.length - 1)) continue;
    const p = idx.positionAt(start);
    out.push({ ...t, line: p.line, char: p.character });
  }
  return out;
}
