// VS Code client: starts the Devicetree language server and adds the context
// status bar item, the context picker, supplier/consumer navigation and the
// supplier graph view. Everything else is the server's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type Location as LspLocation,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SERVER_NODE_OPTIONS } from '../../server/src/lsp/node-options';

interface ContextInfo {
  uri: string;
  root: string;
  rootUri: string;
  reason: string;
  candidates: { path: string; uri: string }[];
  /** an overlay: the base it is analysed on (server/src/lsp/contexts.ts) */
  stack?: { base: string; baseUri: string; overlays: string[]; note?: string; noBase?: boolean };
}

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem | undefined;
const contextByUri = new Map<string, ContextInfo>();

function serverModule(context: vscode.ExtensionContext): string {
  const candidates = ['dist/server/main.js', 'out/server/src/lsp/main.js'].map((p) => context.asAbsolutePath(p));
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[1];
}

export async function activate(context: vscode.ExtensionContext): Promise<{ client: LanguageClient | undefined }> {
  const module = serverModule(context);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'dts' }],
    outputChannelName: 'Devicetree',
  };
  client = new LanguageClient('devicetree', 'Devicetree Language Server', serverOptions, clientOptions);

  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  statusItem.command = 'dts.selectContext';
  context.subscriptions.push(statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand('dts.selectContext', () => selectContext()),
    vscode.commands.registerCommand('dts.goToSupplier', () => goTo('dts/goToSupplier', 'suppliers')),
    vscode.commands.registerCommand('dts.goToConsumers', () => goTo('dts/goToConsumers', 'consumers')),
    vscode.commands.registerCommand('dts.showSupplierGraph', () => showSupplierGraph(context)),
    vscode.commands.registerCommand('dts.explainProbeOrder', () => explainProbeOrder()),
    vscode.workspace.registerTextDocumentContentProvider('dts-probe', probeReportProvider),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
  );

  await client.start();
  context.subscriptions.push(
    client.onNotification('dts/contextChanged', (info: ContextInfo) => {
      contextByUri.set(normalizeUri(info.uri), info);
      updateStatus();
    }),
  );
  updateStatus();
  return { client };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}

function normalizeUri(uri: string): string {
  return vscode.Uri.parse(uri).toString();
}

function activeDtsEditor(): vscode.TextEditor | undefined {
  const e = vscode.window.activeTextEditor;
  return e && e.document.languageId === 'dts' ? e : undefined;
}

function updateStatus(): void {
  if (!statusItem) return;
  const editor = activeDtsEditor();
  if (!editor) {
    statusItem.hide();
    return;
  }
  const info = contextByUri.get(editor.document.uri.toString());
  if (!info) {
    statusItem.text = '$(circuit-board) Devicetree';
    statusItem.tooltip = 'Devicetree: choose the board context';
  } else if (info.stack) {
    // an overlay: the board (or base .dts) it is stacked on, and how that was found
    const s = info.stack;
    const base = path.basename(s.base).replace(/\.dts$/, '');
    statusItem.text = s.noBase ? '$(layers) no board' : `$(layers) on ${base}`;
    statusItem.tooltip = s.noBase
      ? 'Devicetree overlay analysed alone: no board found for it. Click to choose one.'
      : `Devicetree overlay on ${s.base}${s.note ? ` (${s.note})` : ''}${s.overlays.length > 1 ? `; stack: ${s.overlays.map((o) => path.basename(o)).join(' + ')}` : ''}. Click to choose the board.`;
  } else {
    const board = path.basename(info.root);
    const self = info.root === editor.document.uri.fsPath;
    statusItem.text = self ? `$(circuit-board) ${board}` : `$(circuit-board) in ${board}`;
    const n = info.candidates.length;
    statusItem.tooltip = self
      ? `Devicetree context: ${info.root}${info.reason === 'lone' ? ' (no board includes this file)' : ''}`
      : `Devicetree context: ${info.root} (${info.reason}; ${n} board${n === 1 ? '' : 's'} include this file). Click to choose.`;
  }
  statusItem.show();
}

async function selectContext(): Promise<void> {
  const editor = activeDtsEditor();
  if (!editor || !client) {
    void vscode.window.showInformationMessage('Open a Devicetree file to choose its board context.');
    return;
  }
  const uri = editor.document.uri.toString();
  const info = await client.sendRequest<ContextInfo | null>('dts/contexts', { textDocument: { uri } });
  if (!info) return;
  type Pick = vscode.QuickPickItem & { value: string | null };
  const items: Pick[] = [{ label: '$(sync) Automatic', description: info.stack ? 'the build, the board the overlay names, else one that fits' : 'an open board, else the first board by name', value: null }];
  for (const c of info.candidates) {
    items.push({
      label: path.basename(c.path),
      description: vscode.workspace.asRelativePath(c.path),
      picked: c.path === info.root,
      value: c.uri,
    });
  }
  if (info.candidates.length === 0) items.push({ label: path.basename(info.root), description: 'this file is its own context', value: info.rootUri });
  const pick = await vscode.window.showQuickPick(items, {
    placeHolder: `Board context for ${path.basename(editor.document.uri.fsPath)} (now ${path.basename(info.root)})`,
    matchOnDescription: true,
  });
  if (!pick) return;
  const next = await client.sendRequest<ContextInfo | null>('dts/selectContext', { textDocument: { uri }, context: pick.value });
  if (next) {
    contextByUri.set(normalizeUri(next.uri), next);
    updateStatus();
  }
}

async function goTo(method: string, what: string): Promise<void> {
  const editor = activeDtsEditor();
  if (!editor || !client) return;
  const c = client;
  const params = c.code2ProtocolConverter.asTextDocumentPositionParams(editor.document, editor.selection.active);
  const result = await c.sendRequest<LspLocation[] | null>(method, params);
  const locations = (result ?? []).map((l) => c.protocol2CodeConverter.asLocation(l));
  if (locations.length === 0) {
    void vscode.window.showInformationMessage(`Devicetree: no ${what} here.`);
    return;
  }
  if (locations.length === 1) {
    const l = locations[0];
    const doc = await vscode.workspace.openTextDocument(l.uri);
    await vscode.window.showTextDocument(doc, { selection: l.range });
    return;
  }
  await vscode.commands.executeCommand('editor.action.showReferences', editor.document.uri, editor.selection.active, locations);
}

/** The probe reports the Explain Probe Order command shows: read-only virtual documents (no unsaved buffer to close). */
const probeReports = new Map<string, string>();
const probeReportChanged = new vscode.EventEmitter<vscode.Uri>();
const probeReportProvider: vscode.TextDocumentContentProvider = {
  onDidChange: probeReportChanged.event,
  provideTextDocumentContent: (uri) => probeReports.get(uri.toString()) ?? '',
};

/** Devicetree: Explain Probe Order — the probe report of the node at the cursor, as a Markdown preview beside. */
async function explainProbeOrder(): Promise<void> {
  const editor = activeDtsEditor();
  if (!editor || !client) return;
  const c = client;
  const params = c.code2ProtocolConverter.asTextDocumentPositionParams(editor.document, editor.selection.active);
  const r = await c.sendRequest<{ node: string; markdown: string } | null>('dts/explainProbeOrder', params);
  if (!r) {
    void vscode.window.showInformationMessage('Devicetree: no device node here.');
    return;
  }
  const uri = vscode.Uri.from({ scheme: 'dts-probe', path: `${r.node === '/' ? '/root' : r.node}.md` });
  probeReports.set(uri.toString(), r.markdown);
  probeReportChanged.fire(uri);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

async function showSupplierGraph(context: vscode.ExtensionContext): Promise<void> {
  const editor = activeDtsEditor();
  if (!editor || !client) {
    void vscode.window.showInformationMessage('Open a Devicetree file to show its supplier graph.');
    return;
  }
  const c = client;
  const params = c.code2ProtocolConverter.asTextDocumentPositionParams(editor.document, editor.selection.active);
  const data = await c.sendRequest<unknown>('dts/supplierGraph', params);
  const mediaDir = vscode.Uri.file(context.asAbsolutePath('dist/client/media'));
  const panel = vscode.window.createWebviewPanel('dtsSupplierGraph', `Suppliers: ${path.basename(editor.document.uri.fsPath)}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [mediaDir],
  });
  const webview = panel.webview;
  const script = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(mediaDir, name)).toString();
  const nonce = Math.random().toString(36).slice(2) + Date.now().toString(36);
  webview.html = `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>html,body{margin:0;padding:0;height:100%;background:var(--vscode-editor-background);color:var(--vscode-editor-foreground);font-family:var(--vscode-font-family)}
#graph{position:absolute;top:28px;bottom:0;left:0;right:0}#bar{height:28px;line-height:28px;padding:0 8px;font-size:12px;opacity:.8}</style>
</head><body><div id="bar">Click a node or an edge to go to its source.</div><div id="graph"></div>
<script nonce="${nonce}" src="${script('cytoscape.min.js')}"></script>
<script nonce="${nonce}" src="${script('graph.js')}"></script>
</body></html>`;
  webview.onDidReceiveMessage(async (msg: { type: string; uri?: string; range?: { start: { line: number; character: number }; end: { line: number; character: number } } }) => {
    if (msg.type !== 'open' || !msg.uri) return;
    const uri = vscode.Uri.parse(msg.uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const range = msg.range ? c.protocol2CodeConverter.asRange(msg.range) : undefined;
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range });
  });
  void webview.postMessage({ type: 'graph', data });
}
