// Links from diagnostic codes to their documentation (LSP Diagnostic.codeDescription): the
// section of docs/codes.md that ships with the server (in the repository, the npm package and
// the .vsix). The link is a file: URI whose fragment is the section's line (`#L42`), which VS Code
// opens at that line; the page also has one `<a id="code">` anchor per code for web viewers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export class CodeDocs {
  private readonly lines = new Map<string, number>();
  private readonly base: string | undefined;

  /** file: docs/codes.md; undefined to look for it above this module (dist/server, out/server/src/lsp). */
  constructor(file: string | undefined = findCodesDoc(__dirname)) {
    if (!file) return;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    this.base = pathToFileURL(file).toString();
    const rows = text.split(/\r?\n/);
    for (let i = 0; i < rows.length; i++) {
      const m = /^<a id="([a-z0-9-]+)"><\/a>\s*$/.exec(rows[i]);
      if (!m) continue;
      // the heading under the anchor (1-based line)
      const heading = rows[i + 1] !== undefined && rows[i + 1].startsWith('#') ? i + 2 : i + 1;
      this.lines.set(m[1], heading);
    }
  }

  /** The documentation link of a code, or undefined when the code has no section. */
  href(code: string): string | undefined {
    const line = this.lines.get(code);
    return this.base && line !== undefined ? `${this.base}#L${line}` : undefined;
  }

  codes(): string[] {
    return [...this.lines.keys()];
  }
}

export function findCodesDoc(from: string): string | undefined {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const f = path.join(dir, 'docs', 'codes.md');
    if (fs.existsSync(f)) return f;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

let shared: CodeDocs | undefined;
/** The server's one instance (read once, on first use). */
export function codeDocs(): CodeDocs {
  return (shared ??= new CodeDocs());
}
