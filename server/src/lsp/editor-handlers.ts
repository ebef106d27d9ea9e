// Inlay hints (specifier cell names), code lenses (consumer counts on providers), document
// highlight and selection ranges: LSP <-> server/src/features.
import { CodeLens, DocumentHighlightKind, InlayHintKind, type DocumentHighlight, type InlayHint, type SelectionRange } from 'vscode-languageserver';
import { LineIndex } from '../base/text';
import * as features from '../features';
import { offsetOf, toRange, uriToPath } from './convert';
import type { DtsServer } from './server';

export function registerEditorHandlers(server: DtsServer): void {
  const c = server.connection;
  const g = server.guard.bind(server);

  c.languages.inlayHint.on(
    g('inlayHint', null, (p): InlayHint[] | null => {
      const r = server.analysisFor(p.textDocument.uri);
      if (!r) return null;
      const idx = r.lineIndexOf(r.file);
      if (!idx) return null;
      const start = offsetOf(idx, p.range.start) ?? 0;
      const end = offsetOf(idx, p.range.end) ?? idx.text.length;
      return features.getInlayHints(r.analysis, r.file, start, end).map((h) => ({
        position: idx.positionAt(h.offset),
        label: h.label,
        kind: InlayHintKind.Parameter,
        paddingRight: true,
      }));
    }),
  );

  c.onCodeLens(
    g('codeLens', null, (p): CodeLens[] | null => {
      const r = server.analysisFor(p.textDocument.uri);
      if (!r) return null;
      const idx = r.lineIndexOf(r.file);
      if (!idx) return null;
      return features.getConsumerLenses(r.analysis, r.file).map((l) => {
        const range = toRange(idx, l.range.start, l.range.end);
        const what = l.bindings.slice(0, 3).join(', ') + (l.bindings.length > 3 ? ', …' : '');
        return {
          range,
          command: {
            title: `${l.consumers} consumer${l.consumers === 1 ? '' : 's'} (${what})`,
            command: 'dts.showConsumersAt',
            arguments: [p.textDocument.uri, range.start],
          },
        };
      });
    }),
  );

  c.onDocumentHighlight(
    g('documentHighlight', null, (p): DocumentHighlight[] | null => {
      const r = server.analysisFor(p.textDocument.uri);
      if (!r) return null;
      const idx = r.lineIndexOf(r.file);
      const offset = idx && offsetOf(idx, p.position);
      if (!idx || offset === undefined) return null;
      const kind = { read: DocumentHighlightKind.Read, write: DocumentHighlightKind.Write, text: DocumentHighlightKind.Text };
      return features.getDocumentHighlights(r.analysis, r.file, offset).map((h) => ({ range: toRange(idx, h.start, h.end), kind: kind[h.kind] }));
    }),
  );

  c.onSelectionRanges(
    g('selectionRange', null, (p): SelectionRange[] | null => {
      const file = uriToPath(p.textDocument.uri);
      const doc = server.documents.get(p.textDocument.uri);
      let text = doc?.getText();
      if (text === undefined && file) {
        const rd = server.fs.readFile(file);
        text = rd.ok ? rd.text : undefined;
      }
      if (text === undefined) return null;
      const r = server.analysisFor(p.textDocument.uri);
      const idx = r?.lineIndexOf(r.file);
      const li = idx && idx.text === text ? idx : new LineIndex(text);
      const offsets = p.positions.map((pos) => offsetOf(li, pos) ?? text!.length);
      return features.getSelectionRanges(text, offsets).map((chain) => {
        let parent: SelectionRange | undefined;
        for (let i = chain.length - 1; i >= 0; i--) parent = { range: toRange(li, chain[i].start, chain[i].end), parent };
        return parent ?? { range: toRange(li, 0, 0) };
      });
    }),
  );
}
