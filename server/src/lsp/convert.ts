// Conversions between the core's plain data (absolute paths, UTF-16 offsets)
// and LSP types (URIs, line/character positions).
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
  type Location,
  type Range,
} from 'vscode-languageserver';
import type { Diagnostic, FileRange, Severity } from '../base/diagnostics';
import type { LineIndex, Position } from '../base/text';
import { normalize } from '../base/paths';
import { codeDocs } from './code-docs';

/** The absolute path of a file: URI, or undefined for other schemes. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return normalize(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

/** URIs the client sent, by path: answers use the client's spelling of a URI where we have it. */
const knownUris = new Map<string, string>();

export function rememberUri(uri: string): string | undefined {
  const p = uriToPath(uri);
  if (p !== undefined) knownUris.set(p, uri);
  return p;
}

export function pathToUri(path: string): string {
  return knownUris.get(path) ?? pathToFileURL(path).href;
}

/** Source of the text of a file as the analysis saw it. */
export type LineIndexOf = (file: string) => LineIndex | undefined;

export function toRange(index: LineIndex | undefined, start: number, end: number): Range {
  if (!index) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const s = index.positionAt(start);
  const e = end <= start ? s : index.positionAt(end);
  return { start: s, end: e };
}

export function fileRangeToLocation(r: FileRange, lineIndexOf: LineIndexOf): Location {
  return { uri: pathToUri(r.file), range: toRange(lineIndexOf(r.file), r.start, r.end) };
}

/** Offset of an LSP position, or undefined when the position is past the end of the text. */
export function offsetOf(index: LineIndex, pos: Position): number | undefined {
  if (pos.line < 0 || pos.character < 0 || pos.line >= index.lineCount) return undefined;
  return index.offsetAt(pos);
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: Diagnostic, lineIndexOf: LineIndexOf, relatedSupported = true): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toRange(lineIndexOf(d.file), d.start, d.end),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: 'devicetree',
    message: d.message,
  };
  const href = codeDocs().href(d.code);
  if (href) out.codeDescription = { href };
  if (d.related && d.related.length > 0) {
    if (relatedSupported) {
      out.relatedInformation = d.related.map(
        (r): DiagnosticRelatedInformation => ({ location: fileRangeToLocation(r, lineIndexOf), message: r.message }),
      );
    } else {
      // clients without relatedInformation support still see where the related places are
      out.message += d.related
        .map((r) => {
          const p = lineIndexOf(r.file)?.positionAt(r.start);
          return `\n  ${r.message} (${r.file}${p ? `:${p.line + 1}:${p.character + 1}` : ''})`;
        })
        .join('');
    }
  }
  if (d.code === 'iommu-legacy-binding') out.tags = [DiagnosticTag.Deprecated];
  return out;
}
