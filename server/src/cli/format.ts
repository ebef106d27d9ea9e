// Output formats of bin/dts-check: text, json, sarif. Pure functions over
// diagnostics already converted to line/character positions.
import { DIAGNOSTIC_CODES, type Severity } from '../base/diagnostics';

export interface Pos { line: number; character: number }
export interface CliRange { start: Pos; end: Pos }
export interface CliRelated { file: string; range: CliRange; message: string }
export interface CliDiagnostic {
  file: string;
  range: CliRange;
  severity: Severity;
  code: string;
  message: string;
  related: CliRelated[];
  /** full path of the node the diagnostic is about (null: none, e.g. an include error outside any node) */
  node?: string | null;
  /** the property concerned, where there is one */
  property?: string;
}

export function formatText(diags: CliDiagnostic[], displayPath: (f: string) => string): string {
  const lines: string[] = [];
  for (const d of diags) {
    lines.push(`${displayPath(d.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`);
    for (const r of d.related) {
      lines.push(`  ${displayPath(r.file)}:${r.range.start.line + 1}:${r.range.start.character + 1}: note: ${r.message}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** How each FILE was analysed: its flavour and stack (base, overlays, how an overlay's base was found). */
export interface CliContext {
  file: string;
  flavour: string;
  stack: { mode: string; base: string; overlays: string[]; baseNote?: string; noBase?: boolean };
}

export function formatJson(diags: CliDiagnostic[], contexts?: CliContext[]): string {
  const withNode = diags.map((d) => ({ ...d, node: d.node ?? null }));
  return JSON.stringify(contexts ? { diagnostics: withNode, contexts } : { diagnostics: withNode }, null, 2) + '\n';
}

function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function sarifRegion(r: CliRange) {
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  };
}

export function formatSarif(diags: CliDiagnostic[], toUri: (f: string) => string, version: string): string {
  const usedCodes = [...new Set(diags.map((d) => d.code))].sort();
  const rules = usedCodes.map((id) => ({
    id,
    shortDescription: { text: DIAGNOSTIC_CODES[id]?.description ?? id },
    defaultConfiguration: { level: sarifLevel(DIAGNOSTIC_CODES[id]?.severity ?? 'error') },
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'dts-check', version, rules } },
        columnKind: 'utf16CodeUnits',
        results: diags.map((d) => ({
          ruleId: d.code,
          ruleIndex: usedCodes.indexOf(d.code),
          level: sarifLevel(d.severity),
          message: { text: d.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: toUri(d.file) }, region: sarifRegion(d.range) } }],
          relatedLocations: d.related.map((r, i) => ({
            id: i,
            message: { text: r.message },
            physicalLocation: { artifactLocation: { uri: toUri(r.file) }, region: sarifRegion(r.range) },
          })),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
