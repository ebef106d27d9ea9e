// The supplier-graph panel: one webview (client/webview/graph.ts), titled by the node in focus,
// kept alive while hidden (retainContextWhenHidden) and restored after a reload (serializer +
// the webview's saved state), refreshed after each analysis of its context (dts/contextStatus, so
// after edits), following the cursor to other nodes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const GRAPH_VIEW_TYPE = 'dtsSupplierGraph';

interface Loc { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }
interface GraphData { focus?: string; focusName?: string; root?: string; nodes: unknown[]; edges: unknown[] }

/** What the webview last reported after a layout (the VS Code suite reads it). */
export interface GraphMetrics {
  nodes: number;
  edges: number;
  width: number;
  height: number;
  aspect: number;
  overlaps: number;
  zoom: number;
  focus?: string;
  mode?: string;
  layers?: number;
  rows?: number;
  viewport?: { width: number; height: number };
  /** elements styled as each hazard (edges and nodes) */
  hazards?: Record<string, number>;
  title: string;
  at: number;
}

interface PanelState { uri?: string; view?: unknown }

export class GraphPanel {
  private static current: GraphPanel | undefined;
  static lastMetrics: GraphMetrics | undefined;

  private uri: vscode.Uri;
  /** the context the graph shows (its root file) */
  private root: string | undefined;
  private ready = false;
  private follow = true;
  private refreshTimer: NodeJS.Timeout | undefined;
  private cursorTimer: NodeJS.Timeout | undefined;
  private pending: { type: 'graph'; data: GraphData; focus?: string; uri: string } | undefined;
  /** the last graph sent: a webview that loads again (reloaded) gets it, with focus left to its saved state */
  private last: { type: 'graph'; data: GraphData; focus?: string; uri: string } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Show the graph focused on the node at the cursor (or the whole context when there is none). */
  static async show(context: vscode.ExtensionContext, client: LanguageClient, editor: vscode.TextEditor): Promise<void> {
    let p = GraphPanel.current;
    if (!p) {
      const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Suppliers', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, GraphPanel.options(context));
      p = new GraphPanel(context, client, panel, editor.document.uri);
    } else {
      p.uri = editor.document.uri;
      p.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    await p.load(editor.selection.active, true);
  }

  /** Restore a panel after a reload. */
  static revive(context: vscode.ExtensionContext, client: LanguageClient, panel: vscode.WebviewPanel, state: PanelState | undefined): void {
    const saved = state?.uri ?? context.workspaceState.get<string>('dts.graph.uri');
    const uri = saved ? vscode.Uri.parse(saved) : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      panel.dispose();
      return;
    }
    panel.webview.options = GraphPanel.options(context);
    const p = new GraphPanel(context, client, panel, uri);
    void p.load(undefined, false);
  }

  static reveal(): boolean {
    if (!GraphPanel.current) return false;
    GraphPanel.current.panel.reveal(undefined, true);
    return true;
  }

  /** A context was analysed again: refresh the graph if it shows that context. */
  static analysed(root: string): void {
    const p = GraphPanel.current;
    if (p && p.root === root) p.scheduleRefresh(100);
  }

  static measure(): void {
    void GraphPanel.current?.panel.webview.postMessage({ type: 'measure' });
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.file(context.asAbsolutePath('dist/client/media'))] };
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly panel: vscode.WebviewPanel,
    uri: vscode.Uri,
  ) {
    this.uri = uri;
    GraphPanel.current = this;
    panel.iconPath = vscode.Uri.file(context.asAbsolutePath('images/icon.png'));
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m) => this.onMessage(m)),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (this.follow && e.textEditor.document.languageId === 'dts') this.scheduleCursor(e.textEditor);
      }),
    );
  }

  private dispose(): void {
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    clearTimeout(this.refreshTimer);
    clearTimeout(this.cursorTimer);
    for (const d of this.disposables) d.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const media = vscode.Uri.file(this.context.asAbsolutePath('dist/client/media'));
    const script = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, name)).toString();
    const nonce = Math.random().toString(36).slice(2) + Date.now().toString(36);
    return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>
html,body{margin:0;padding:0;height:100%;background:var(--vscode-editor-background);color:var(--vscode-editor-foreground);font-family:var(--vscode-font-family);font-size:12px}
body{display:flex;flex-direction:column;overflow:hidden}
#bar{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;padding:6px 8px;border-bottom:1px solid var(--vscode-panel-border,#444)}
#bar input,#bar select,#bar button{background:var(--vscode-input-background);color:var(--vscode-input-foreground);border:1px solid var(--vscode-input-border,#555);font:inherit;padding:2px 4px}
#bar button{cursor:pointer}
#search{width:14em}
#hops{width:3em}
details{position:relative}
details summary{cursor:pointer;list-style:none;border:1px solid var(--vscode-input-border,#555);padding:2px 6px}
#bindings-list{position:absolute;z-index:5;background:var(--vscode-editorWidget-background,#252526);border:1px solid var(--vscode-widget-border,#555);padding:6px;max-height:60vh;overflow:auto;display:flex;flex-direction:column;gap:2px;white-space:nowrap}
#status{padding:3px 8px;opacity:.85}
#legend{display:flex;gap:12px;padding:0 8px 4px;opacity:.8;flex-wrap:wrap}
#legend span{display:inline-flex;align-items:center;gap:4px}
#legend i{display:inline-block;width:14px;height:10px;border:1px solid #888;border-radius:3px}
#graph{flex:1;min-height:0;position:relative}
</style>
</head><body>
<div id="bar">
<input id="search" type="search" placeholder="Search (Enter: focus)" aria-label="Search nodes by label, name or path; Enter focuses the first match">
<label>View <select id="mode"><option value="focus">Focus</option><option value="whole">Whole graph</option></select></label>
<label><input id="hops" type="number" min="1" max="9" value="1"> hops</label>
<details><summary id="bindings-summary">Bindings: all</summary><div id="bindings-list"></div></details>
<label>Status <select id="status-filter"><option value="all">all</option><option value="enabled">enabled</option><option value="disabled">disabled</option><option value="hazards">with hazards</option></select></label>
<label><input id="follow" type="checkbox" checked> Follow cursor</label>
<button id="fit" title="Fit the graph to the view">Fit</button>
</div>
<div id="status"></div>
<div id="legend">
<span><i style="background:rgba(177,128,215,.25);border:2px solid #b180d7"></i>IOMMU</span>
<span><i style="background:rgba(55,148,255,.18);border:1.5px solid var(--vscode-editorInfo-foreground,#3794ff)"></i>provider</span>
<span><i></i>device</span>
<span><i style="border-style:dashed;opacity:.5"></i>disabled</span>
<span><i style="border:3px double var(--vscode-editorWarning-foreground,#cca700)"></i>DMA untranslated</span>
<span><i style="border:2px solid var(--vscode-editorError-foreground,#f14c4c)"></i>cycle / deadlock</span>
<span>arrows point at suppliers (above); dashed: optional link</span>
</div>
<div id="graph"></div>
<script nonce="${nonce}" src="${script('cytoscape.min.js')}"></script>
<script nonce="${nonce}" src="${script('graph.js')}"></script>
</body></html>`;
  }

  private async request(position: vscode.Position | undefined, focusOnly = false): Promise<GraphData | null> {
    const params: Record<string, unknown> = { textDocument: { uri: this.client.code2ProtocolConverter.asUri(this.uri) } };
    if (position) params.position = this.client.code2ProtocolConverter.asPosition(position);
    else params.whole = true;
    if (focusOnly) params.focusOnly = true;
    return this.client.sendRequest<GraphData | null>('dts/supplierGraph', params);
  }

  /** Fetch the graph; with a position, focus the node there. */
  private async load(position: vscode.Position | undefined, refocus: boolean): Promise<void> {
    const data = await this.request(position);
    if (data?.root) this.root = data.root;
    if (!data) {
      this.panel.title = `Suppliers: ${path.basename(this.uri.fsPath)}`;
      return;
    }
    this.post({ type: 'graph', data, focus: refocus ? data.focus : undefined, uri: this.uri.toString() });
  }

  private post(m: { type: 'graph'; data: GraphData; focus?: string; uri: string }): void {
    this.last = m;
    if (!this.ready) {
      this.pending = m;
      return;
    }
    void this.panel.webview.postMessage(m);
  }

  private scheduleRefresh(ms = 600): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.load(undefined, false).catch(() => undefined), ms);
  }

  private scheduleCursor(editor: vscode.TextEditor): void {
    clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(async () => {
      try {
        const r = await this.client.sendRequest<{ focus?: string } | null>('dts/supplierGraph', {
          ...this.client.code2ProtocolConverter.asTextDocumentPositionParams(editor.document, editor.selection.active),
          focusOnly: true,
        });
        if (r?.focus) void this.panel.webview.postMessage({ type: 'focus', focus: r.focus });
      } catch {
        /* the server restarts or the document closed */
      }
    }, 250);
  }

  private async onMessage(m: { type: string; uri?: string; range?: Loc['range']; focus?: string; title?: string; mode?: string; follow?: boolean; state?: { follow?: boolean } } & Partial<GraphMetrics>): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (m.state && typeof m.state.follow === 'boolean') this.follow = m.state.follow;
        if (this.pending) {
          void this.panel.webview.postMessage(this.pending);
          this.pending = undefined;
        } else if (this.last) {
          void this.panel.webview.postMessage({ ...this.last, focus: undefined });
        }
        break;
      case 'open': {
        if (!m.uri) return;
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
        const range = m.range ? this.client.protocol2CodeConverter.asRange(m.range) : undefined;
        const other = vscode.window.visibleTextEditors.find((e) => e.viewColumn !== this.panel.viewColumn)?.viewColumn ?? vscode.ViewColumn.One;
        await vscode.window.showTextDocument(doc, { viewColumn: other, selection: range, preserveFocus: false });
        break;
      }
      case 'focused':
        this.panel.title = m.mode === 'focus' && m.title ? `Suppliers: ${m.title}` : `Supplier graph: ${m.title ?? path.basename(this.uri.fsPath)}`;
        // kept for a restore after reload
        void this.context.workspaceState.update('dts.graph.uri', this.uri.toString());
        break;
      case 'follow':
        this.follow = !!m.follow;
        break;
      case 'metrics':
        GraphPanel.lastMetrics = { ...(m as unknown as GraphMetrics), title: this.panel.title, at: Date.now() };
        break;
    }
  }
}
