// Formatting (textDocument/formatting, rangeFormatting) and the ordering code actions
// (refactor.rewrite: sort child nodes, properties, &label overrides) over server/src/format.
// The flavour of the document's analysis decides the style (Zephyr or Linux); a document not
// analysed yet gets the flavour of its location. The editor's tab size and insertSpaces are not
// used: Devicetree style indents with tabs of 8.
import { CodeActionKind, type CodeAction, type Range, type TextEdit } from 'vscode-languageserver';
import { LineIndex } from '../base/text';
import { formatRange, formatText, type FormatFlavour } from '../format';
import { sortActions } from '../format/sort';
import { detectFlavour } from '../workspace/flavour';
import { offsetOf, toRange, uriToPath } from './convert';
import type { DtsServer } from './server';

function documentText(server: DtsServer, uri: string): { text: string; file: string } | undefined {
  const file = uriToPath(uri);
  if (!file) return undefined;
  const doc = server.documents.get(uri);
  if (doc) return { text: doc.getText(), file };
  const r = server.fs.readFile(file);
  return r.ok ? { text: r.text, file } : undefined;
}

function flavourOf(server: DtsServer, uri: string, file: string): FormatFlavour {
  const a = server.analysisFor(uri);
  if (a && a.analysis.root === file) return a.analysis.flavour;
  // an include file: the flavour of its location (a .dtsi of a Zephyr tree inside a Linux context is rare)
  return detectFlavour(file, server.fs).flavour;
}

export function registerFormatHandlers(server: DtsServer): void {
  const c = server.connection;
  const g = server.guard.bind(server);
  const edits = (text: string, es: { start: number; end: number; newText: string }[]): TextEdit[] => {
    const idx = new LineIndex(text);
    return es.map((e) => ({ range: toRange(idx, e.start, e.end), newText: e.newText }));
  };
  c.onDocumentFormatting(
    g('formatting', null, (p): TextEdit[] | null => {
      const d = documentText(server, p.textDocument.uri);
      if (!d) return null;
      const r = formatText(d.text, { flavour: flavourOf(server, p.textDocument.uri, d.file) });
      if (r.refused) server.log(`formatting ${d.file}: ${r.refused}`);
      return edits(d.text, r.edits);
    }),
  );
  c.onDocumentRangeFormatting(
    g('rangeFormatting', null, (p): TextEdit[] | null => {
      const d = documentText(server, p.textDocument.uri);
      if (!d) return null;
      const idx = new LineIndex(d.text);
      const start = offsetOf(idx, p.range.start) ?? 0;
      const end = offsetOf(idx, p.range.end) ?? d.text.length;
      const r = formatRange(d.text, start, Math.max(start, end), { flavour: flavourOf(server, p.textDocument.uri, d.file) });
      if (r.refused) server.log(`formatting ${d.file}: ${r.refused}`);
      return edits(d.text, r.edits);
    }),
  );
}

/** The ordering actions for a position (called by the code-action handler when refactors are wanted). */
export function sortCodeActions(server: DtsServer, uri: string, range: Range): CodeAction[] {
  const d = documentText(server, uri);
  if (!d) return [];
  const idx = new LineIndex(d.text);
  const at = offsetOf(idx, range.start);
  if (at === undefined) return [];
  return sortActions(d.text, at).map((s) => ({
    title: s.title,
    kind: CodeActionKind.RefactorRewrite,
    edit: { changes: { [uri]: [{ range: toRange(idx, s.start, s.end), newText: s.newText }] } },
  }));
}
