// VS Code client: starts the Devicetree language server and adds the board-context status bar item
// (which board a file is analysed in, and whether that board is clean), the context picker, Go to
// Supplier / Go to Consumers pickers and the supplier graph (graph-panel.ts). Everything else is the
// server's. activate() returns a small API the VS Code suite uses.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_ENV, SERVER_NODE_OPTIONS } from '../../server/src/lsp/node-options';
import { GRAPH_VIEW_TYPE, GraphPanel, type GraphMetrics } from './graph-panel';

interface ContextInfo {
  uri: string;
  root: string;
  rootUri: string;
  reason: 'self' | 'explicit' | 'configured' | 'nearest-board' | 'open-board' | 'lone';
  candidates: { path: string; uri: string }[];
  flavour?: string;
  /** an overlay: the base it is analysed on (server/src/lsp/contexts.ts) */
  stack?: { base: string; baseUri: string; overlays: string[]; note?: string; noBase?: boolean };
}

interface ContextStatus {
  root: string;
  rootUri: string;
  errors: number;
  warnings: number;
  infos: number;
  files: number;
  flavour?: string;
  durationMs: number;
}

interface LspLoc { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }
interface NavItem { label: string; name: string; path: string; bindings: [string, number][]; location: LspLoc; specifiers: LspLoc[]; status: string }
interface NavList { of: { label: string; path: string }; items: NavItem[] }

export interface DtsExtensionApi {
  client: LanguageClient | undefined;
  /** the last layout metrics the graph webview reported */
  graphMetrics(): GraphMetrics | undefined;
  /** ask the graph webview to report its metrics again */
  measureGraph(): void;
  /** bring the graph panel back to the front (false when there is none) */
  revealGraph(): boolean;
  /** the status bar item's text and tooltip */
  status(): { text: string; tooltip: string; visible: boolean };
}

const FLAVOUR_NAMES: Record<string, string> = { linux: 'Linux', zephyr: 'Zephyr', uboot: 'U-Boot', dtc: 'dtc' };
const CHOICES_KEY = 'dts.contextChoices';

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem | undefined;
let statusVisible = false;
const contextByUri = new Map<string, ContextInfo>();
const statusByRoot = new Map<string, ContextStatus>();

function serverModule(context: vscode.ExtensionContext): string {
  const candidates = ['dist/server/main.js', 'out/server/src/lsp/main.js'].map((p) => context.asAbsolutePath(p));
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[1];
}

export async function activate(context: vscode.ExtensionContext): Promise<DtsExtensionApi> {
  const module = serverModule(context);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS], env: { ...SERVER_ENV, ...process.env } } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6011'], env: { ...SERVER_ENV, ...process.env } } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'dts' }],
    outputChannelName: 'Devicetree',
  };
  const c = new LanguageClient('devicetree', 'Devicetree Language Server', serverOptions, clientOptions);
  client = c;

  statusItem = vscode.window.createStatusBarItem('dts.context', vscode.StatusBarAlignment.Left, 50);
  statusItem.name = 'Devicetree board context';
  statusItem.command = 'dts.selectContext';
  context.subscriptions.push(statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand('dts.selectContext', () => selectContext(context)),
    vscode.commands.registerCommand('dts.goToSupplier', () => pickAndGo('dts/supplierList', 'suppliers')),
    vscode.commands.registerCommand('dts.goToConsumers', () => pickAndGo('dts/consumerList', 'consumers')),
    // the consumer-count code lens: Go to Consumers of the provider it sits on
    vscode.commands.registerCommand('dts.showConsumersAt', async (uri: string, pos: { line: number; character: number }) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const at = new vscode.Position(pos.line, pos.character);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at) });
      await pickAndGo('dts/consumerList', 'consumers');
    }),
    vscode.commands.registerCommand('dts.showSupplierGraph', () => {
      const editor = activeDtsEditor();
      if (!editor) {
        void vscode.window.showInformationMessage('Open a Devicetree file to show its supplier graph.');
        return;
      }
      return GraphPanel.show(context, c, editor);
    }),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        await started;
        GraphPanel.revive(context, c, panel, state as { uri?: string } | undefined);
      },
    }),
    vscode.commands.registerCommand('dts.explainProbeOrder', () => explainProbeOrder()),
    vscode.workspace.registerTextDocumentContentProvider('dts-probe', probeReportProvider),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
  );

  const started = c.start();
  await started;
  context.subscriptions.push(
    c.onNotification('dts/contextChanged', (info: ContextInfo) => {
      contextByUri.set(normalizeUri(info.uri), info);
      void restoreChoice(context, info);
      updateStatus();
    }),
    c.onNotification('dts/contextStatus', (s: ContextStatus) => {
      statusByRoot.set(s.root, s);
      updateStatus();
      GraphPanel.analysed(s.root);
    }),
  );
  updateStatus();
  return {
    client,
    graphMetrics: () => GraphPanel.lastMetrics,
    measureGraph: () => GraphPanel.measure(),
    revealGraph: () => GraphPanel.reveal(),
    status: () => ({
      text: statusItem?.text ?? '',
      tooltip: typeof statusItem?.tooltip === 'string' ? statusItem.tooltip : statusItem?.tooltip?.value ?? '',
      visible: statusVisible,
    }),
  };
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

const base = (p: string) => path.basename(p);
const stem = (p: string) => base(p).replace(/\.[^.]*$/, '');

/** Why this board, in words. */
function reasonText(info: ContextInfo, file: string): string {
  const n = info.candidates.length;
  switch (info.reason) {
    case 'self':
      return `${base(file)} is a board: it is its own context.`;
    case 'explicit':
      return `You chose this board for ${base(file)}.`;
    case 'configured':
      return `Set for ${base(file)} by the \`devicetree.contexts\` setting.`;
    case 'nearest-board':
      return n > 1
        ? `The nearest of the ${n} boards that include ${base(file)} (fewest include steps, then the closest name).`
        : `The only board that includes ${base(file)}.`;
    case 'open-board':
      return n > 1
        ? `An open board that includes ${base(file)} (the nearest of the open ones; ${n} boards include it).`
        : `An open board that includes ${base(file)}.`;
    case 'lone':
      return `No board in the workspace includes ${base(file)}: it is analysed on its own.`;
  }
}

/** The sign after the board's name ($(pass) when analysed without errors or warnings) and its sentence. */
function analysedSign(root: string): { sign: string; text: string } {
  const st = statusByRoot.get(root);
  if (!st) return { sign: '$(sync~spin)', text: 'Analysing…' };
  const fl = st.flavour ? `${FLAVOUR_NAMES[st.flavour] ?? st.flavour}, ` : '';
  const files = `${st.files} file${st.files === 1 ? '' : 's'}`;
  if (st.errors === 0 && st.warnings === 0) {
    return { sign: '$(pass)', text: `Analysed: no problems in ${base(root)} and what it includes (${fl}${files}, ${st.durationMs} ms).` };
  }
  const sign = [st.errors ? `$(error) ${st.errors}` : '', st.warnings ? `$(warning) ${st.warnings}` : ''].filter(Boolean).join(' ');
  const parts = [st.errors ? `${st.errors} error${st.errors === 1 ? '' : 's'}` : '', st.warnings ? `${st.warnings} warning${st.warnings === 1 ? '' : 's'}` : ''].filter(Boolean);
  return { sign, text: `Analysed: ${parts.join(' and ')} in ${base(root)} and what it includes (${fl}${files}, ${st.durationMs} ms).` };
}

function updateStatus(): void {
  if (!statusItem) return;
  const editor = activeDtsEditor();
  if (!editor) {
    statusItem.hide();
    statusVisible = false;
    return;
  }
  const info = contextByUri.get(editor.document.uri.toString());
  if (!info) {
    statusItem.text = '$(circuit-board) Devicetree';
    statusItem.tooltip = 'Devicetree: finding the board this file belongs to…';
  } else if (info.stack) {
    // an overlay: the board (or base .dts) it is stacked on, and how that was found
    const s = info.stack;
    const onto = stem(s.base);
    statusItem.text = s.noBase ? '$(layers) no board' : `$(layers) on ${onto} ${analysedSign(info.root).sign}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(s.noBase
      ? 'Devicetree overlay analysed alone: no board found for it.\n\nClick to choose one.'
      : `**Overlay on** \`${base(s.base)}\`${s.note ? ` (${s.note})` : ''}${s.overlays.length > 1 ? `; stack: ${s.overlays.map((o) => base(o)).join(' + ')}` : ''}.\n\n${analysedSign(info.root).text}\n\nClick to choose the board.`);
    statusItem.tooltip = md;
  } else {
    const self = info.root === editor.document.uri.fsPath;
    const board = stem(info.root);
    const { sign, text: analysed } = analysedSign(info.root);
    statusItem.text = `$(circuit-board) ${self ? board : `in ${board}`} ${sign}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Board context:** \`${base(info.root)}\`${info.flavour ? ` (${FLAVOUR_NAMES[info.flavour] ?? info.flavour})` : ''}\n\n`);
    md.appendMarkdown(`${reasonText(info, editor.document.uri.fsPath)}\n\n${analysed}\n\n`);
    md.appendMarkdown(info.candidates.length > 1 ? 'Click to choose another board.' : 'Click for the board choices.');
    statusItem.tooltip = md;
  }
  statusItem.show();
  statusVisible = true;
}

/** A choice the user made in an earlier session, sent again when the server picks automatically. */
async function restoreChoice(context: vscode.ExtensionContext, info: ContextInfo): Promise<void> {
  const choices = context.workspaceState.get<Record<string, string>>(CHOICES_KEY) ?? {};
  const wanted = choices[normalizeUri(info.uri)];
  if (!wanted || !client || info.reason === 'explicit' || normalizeUri(info.rootUri) === wanted) return;
  if (!info.candidates.some((c) => normalizeUri(c.uri) === wanted)) return;
  try {
    const next = await client.sendRequest<ContextInfo | null>('dts/selectContext', { textDocument: { uri: info.uri }, context: wanted });
    if (next) contextByUri.set(normalizeUri(next.uri), next);
    updateStatus();
  } catch {
    /* the board is gone: keep the automatic choice */
  }
}

async function selectContext(context: vscode.ExtensionContext): Promise<void> {
  const editor = activeDtsEditor();
  if (!editor || !client) {
    void vscode.window.showInformationMessage('Open a Devicetree file to choose its board context.');
    return;
  }
  const uri = editor.document.uri.toString();
  const info = await client.sendRequest<ContextInfo | null>('dts/contexts', { textDocument: { uri } });
  if (!info) return;
  type Pick = vscode.QuickPickItem & { value: string | null };
  const items: Pick[] = [{ label: '$(sync) Automatic', description: info.stack ? 'the build, the board the overlay names, else one that fits' : 'the nearest board that includes this file', value: null }];
  for (const c of info.candidates) {
    items.push({
      label: `${c.path === (info.stack?.base ?? info.root) ? '$(check) ' : ''}${base(c.path)}`,
      description: vscode.workspace.asRelativePath(c.path),
      value: c.uri,
    });
  }
  if (info.candidates.length === 0) items.push({ label: base(info.root), description: 'this file is its own context', value: info.rootUri });
  const pick = await vscode.window.showQuickPick(items, {
    placeHolder: `Board context for ${base(editor.document.uri.fsPath)} (now ${base(info.root)})`,
    matchOnDescription: true,
  });
  if (!pick) return;
  const next = await client.sendRequest<ContextInfo | null>('dts/selectContext', { textDocument: { uri }, context: pick.value });
  const choices = { ...(context.workspaceState.get<Record<string, string>>(CHOICES_KEY) ?? {}) };
  if (pick.value) choices[uri] = normalizeUri(pick.value);
  else delete choices[uri];
  await context.workspaceState.update(CHOICES_KEY, choices);
  if (next) {
    contextByUri.set(normalizeUri(next.uri), next);
    updateStatus();
  }
}

/** Go to Supplier / Go to Consumers: one row per node with its bindings; the editor follows the selection. */
async function pickAndGo(method: string, what: 'suppliers' | 'consumers'): Promise<void> {
  const editor = activeDtsEditor();
  if (!editor || !client) return;
  const c = client;
  const params = c.code2ProtocolConverter.asTextDocumentPositionParams(editor.document, editor.selection.active);
  const list = await c.sendRequest<NavList | null>(method, params);
  const items = list?.items ?? [];
  if (!list || items.length === 0) {
    void vscode.window.showInformationMessage(`Devicetree: no ${what} here.`);
    return;
  }
  const open = async (l: LspLoc, preview: boolean) => {
    const loc = c.protocol2CodeConverter.asLocation(l);
    const doc = await vscode.workspace.openTextDocument(loc.uri);
    await vscode.window.showTextDocument(doc, { selection: loc.range, preview, preserveFocus: preview, viewColumn: editor.viewColumn });
  };
  if (items.length === 1) {
    await open(items[0].location, false);
    return;
  }
  type Pick = vscode.QuickPickItem & { item: NavItem };
  const picks: Pick[] = items.map((it) => {
    const uri = vscode.Uri.parse(it.location.uri);
    return {
      label: `$(symbol-${what === 'consumers' ? 'class' : 'interface'}) ${it.label}`,
      description: [it.label !== it.name ? it.name : '', it.bindings.map(([b, n]) => (n > 1 ? `${b} ×${n}` : b)).join(', '), it.status !== 'okay' && it.status !== 'ok' ? it.status : '']
        .filter(Boolean)
        .join(' · '),
      detail: `${it.path} — ${path.basename(uri.fsPath)}:${it.location.range.start.line + 1}`,
      item: it,
    };
  });
  const qp = vscode.window.createQuickPick<Pick>();
  qp.items = picks;
  qp.title = `${what === 'consumers' ? 'Consumers of' : 'Suppliers of'} ${list.of.label} (${items.length})`;
  qp.placeholder = `${items.length} ${what}: type to filter by label, node name or binding`;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  const start = { uri: editor.document.uri, selection: editor.selection };
  let accepted = false;
  qp.onDidChangeActive((a) => { if (a[0]) void open(a[0].item.location, true); });
  qp.onDidAccept(() => {
    const sel = qp.selectedItems[0] ?? qp.activeItems[0];
    accepted = true;
    qp.hide();
    if (sel) void open(sel.item.location, false);
  });
  qp.onDidHide(() => {
    qp.dispose();
    // cancelled: back where the user was
    if (!accepted) void vscode.window.showTextDocument(start.uri, { selection: start.selection, viewColumn: editor.viewColumn });
  });
  qp.show();
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
