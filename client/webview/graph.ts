// The supplier-graph webview (bundled by scripts/bundle.js for the browser; cytoscape draws).
// Messages from the extension:
//   { type: 'graph', data: GraphData, focus?: string }   a new or refreshed graph (after edits)
//   { type: 'focus', focus: string }                       the cursor moved to another node
//   { type: 'measure' }                                    post the layout metrics again (tests)
// Messages to the extension:
//   { type: 'ready' } once loaded; { type: 'open', uri, range } on a click; { type: 'focused', focus,
//   title } when the view's focus changes; { type: 'metrics', ... } after every layout.
// The view state (focus, mode, hops, filters, search) is kept with vscode.setState, so the panel is
// restored as it was after a reload.
import { layeredLayout, neighbourhood } from '../../server/src/features/graph-layout';

declare const acquireVsCodeApi: () => { postMessage(m: unknown): void; setState(s: unknown): void; getState(): unknown };
declare const cytoscape: (opts: unknown) => Cy;

interface Cy {
  elements(sel?: string): CyCollection;
  nodes(sel?: string): CyCollection;
  edges(sel?: string): CyCollection;
  add(els: unknown[]): CyCollection;
  on(ev: string, sel: string | ((e: CyEvent) => void), fn?: (e: CyEvent) => void): void;
  fit(els?: CyCollection, padding?: number): void;
  zoom(): number;
  getElementById(id: string): CyCollection;
  batch(fn: () => void): void;
  resize(): void;
  destroy(): void;
  width(): number;
  height(): number;
  minZoom(z?: number): number;
}
interface CyCollection {
  length: number;
  remove(): void;
  forEach(fn: (e: CyElement) => void): void;
  map<T>(fn: (e: CyElement) => T): T[];
  filter(fn: (e: CyElement) => boolean): CyCollection;
  boundingBox(opts?: unknown): { x1: number; y1: number; x2: number; y2: number; w: number; h: number };
  addClass(c: string): void;
  removeClass(c: string): void;
  connectedEdges(): CyCollection;
  neighborhood(): CyCollection;
  union(o: CyCollection): CyCollection;
}
interface CyElement {
  id(): string;
  data(k?: string): any;
  renderedBoundingBox(opts?: unknown): { x1: number; y1: number; x2: number; y2: number };
  boundingBox(opts?: unknown): { x1: number; y1: number; x2: number; y2: number };
}
interface CyEvent { target: CyElement & CyCollection }

interface Loc { uri: string; range: unknown }
interface GNode { id: string; label: string; name: string; path: string; owner?: string; kind: string; status: string; hazards: string[]; location?: Loc }
interface GEdge { id: string; source: string; target: string; binding: string; optional: boolean; hazards: string[]; location?: Loc }
interface GraphData { focus?: string; focusName?: string; root?: string; nodes: GNode[]; edges: GEdge[]; bindings: { binding: string; count: number }[]; truncated?: boolean }

interface ViewState {
  mode: 'focus' | 'whole';
  hops: number;
  focus?: string;
  status: 'all' | 'enabled' | 'disabled' | 'hazards';
  hidden: string[]; // bindings filtered out
  follow: boolean;
  search: string;
}

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const css = (v: string, d: string) => getComputedStyle(document.body).getPropertyValue(v).trim() || d;

const saved = (vscode.getState() as { view?: ViewState } | undefined)?.view;
// interrupts links go to the GIC from nearly every device: hidden until asked for
const view: ViewState = { mode: 'focus', hops: 1, status: 'all', hidden: ['interrupts'], follow: true, search: '', ...saved };
let data: GraphData | undefined;
let cy: Cy | undefined;
let measureCtx: CanvasRenderingContext2D | null = null;
const FONT_SIZE = 12;
let fontFamily = 'sans-serif';

let docUri: string | undefined = (vscode.getState() as { uri?: string } | undefined)?.uri;

/** The panel's state for a restore after reload: the document and the view. */
function persist(): void {
  vscode.setState({ uri: docUri, view });
}

function textWidth(s: string): number {
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  if (!measureCtx) return s.length * FONT_SIZE * 0.62;
  measureCtx.font = `${FONT_SIZE}px ${fontFamily}`;
  return measureCtx.measureText(s).width;
}

/** The nodes and edges shown: the focus neighbourhood or everything, then the filters. */
function visible(d: GraphData): { nodes: GNode[]; edges: GEdge[] } {
  const hidden = new Set(view.hidden);
  let edges = d.edges.filter((e) => !hidden.has(e.binding));
  // a focus whose every link is filtered out (a GIC and its interrupts): its links are shown anyway
  if (view.mode === 'focus' && view.focus && !edges.some((e) => e.source === view.focus || e.target === view.focus)) edges = d.edges;
  let ids: Set<string>;
  if (view.mode === 'focus' && view.focus && d.nodes.some((n) => n.id === view.focus)) {
    ids = neighbourhood({ edges: edges.map((e) => ({ from: e.source, to: e.target })) }, view.focus, view.hops);
  } else ids = new Set(edges.flatMap((e) => [e.source, e.target]));
  const keepNode = (n: GNode) => {
    if (n.id === view.focus) return true;
    const on = n.status === 'okay' || n.status === 'ok';
    if (view.status === 'enabled') return on;
    if (view.status === 'disabled') return !on;
    if (view.status === 'hazards') return n.hazards.length > 0 || edges.some((e) => (e.source === n.id || e.target === n.id) && e.hazards.length > 0);
    return true;
  };
  const nodes = d.nodes.filter((n) => ids.has(n.id) && keepNode(n));
  const shown = new Set(nodes.map((n) => n.id));
  edges = edges.filter((e) => shown.has(e.source) && shown.has(e.target));
  return { nodes, edges };
}

/**
 * The label each node shows: its own, or, where two shown nodes have the same one (compute-cb@3 of two
 * remote processors), with the nearest ancestor that tells them apart: "compute-cb@3 · remoteproc_adsp".
 */
function shownLabels(nodes: GNode[]): Map<string, string> {
  const byLabel = new Map<string, GNode[]>();
  for (const n of nodes) (byLabel.get(n.label) ?? byLabel.set(n.label, []).get(n.label)!).push(n);
  const out = new Map<string, string>();
  for (const [label, group] of byLabel) {
    if (group.length === 1) {
      out.set(group[0].id, label);
      continue;
    }
    const parts = group.map((n) => n.path.split('/').slice(1, -1));
    const owners = new Set(group.map((n) => n.owner));
    for (let i = 0; i < group.length; i++) {
      // the labelled ancestor when that tells them apart (compute-cb@3 · remoteproc_adsp), else the first differing path component
      let tag = owners.size === group.length && group[i].owner ? group[i].owner! : '';
      for (let k = parts[i].length - 1; k >= 0 && !tag; k--) {
        const c = parts[i][k];
        if (parts.some((p, j) => j !== i && p[k] !== c)) tag = c;
      }
      out.set(group[i].id, tag ? `${label} · ${tag}` : label);
    }
  }
  return out;
}

function edgeClass(e: GEdge): string {
  const c = [...e.hazards];
  if (e.optional) c.push('optional');
  return c.join(' ');
}

function render(): void {
  if (!data || !cy) return;
  const { nodes, edges } = visible(data);
  const labels = shownLabels(nodes);
  const sizes = new Map(nodes.map((n) => [n.id, { w: Math.ceil(textWidth(labels.get(n.id)!)) + 18, h: FONT_SIZE + 14 }]));
  // the drawing takes the shape of the panel (within reason), so that fitting it keeps labels readable
  const aspect = cy.height() > 0 ? Math.min(3, Math.max(0.6, cy.width() / cy.height())) : 1.6;
  const layout = layeredLayout(
    nodes.map((n) => ({ id: n.id, width: sizes.get(n.id)!.w, height: sizes.get(n.id)!.h })),
    edges.map((e) => ({ from: e.source, to: e.target })),
    { aspect },
  );
  const search = view.search.trim().toLowerCase();
  const matches = (n: GNode) => !!search && (n.label.toLowerCase().includes(search) || n.path.toLowerCase().includes(search));
  const c = cy;
  c.batch(() => {
    c.elements().remove();
    c.add([
      ...nodes.map((n) => ({
        group: 'nodes',
        data: { id: n.id, label: labels.get(n.id), w: sizes.get(n.id)!.w, h: sizes.get(n.id)!.h, location: n.location },
        position: layout.positions.get(n.id),
        classes: [n.kind, n.id === view.focus ? 'focus' : '', n.status === 'okay' || n.status === 'ok' ? '' : 'disabled', ...n.hazards, matches(n) ? 'match' : ''].join(' '),
      })),
      ...edges.map((e) => ({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: e.binding, location: e.location }, classes: edgeClass(e) })),
    ]);
  });
  fitView(c);
  const f = data.nodes.find((n) => n.id === view.focus);
  const title = view.mode === 'focus' && f ? f.label : data.root ? data.root.split('/').pop() ?? '' : '';
  const bar = $('status');
  const hazardous = new Set([...nodes.filter((n) => n.hazards.length).map((n) => n.id), ...edges.filter((e) => e.hazards.length).map((e) => e.source)]);
  const nh = hazardous.size;
  bar.textContent =
    `${nodes.length} of ${data.nodes.length} nodes, ${edges.length} edges` +
    (view.mode === 'focus' && f ? ` · focus ${f.label} (${f.name}), ${view.hops} hop${view.hops === 1 ? '' : 's'} either way` : ' · whole graph') +
    (nh ? ` · ${nh} with a hazard` : '') +
    (search ? ` · ${nodes.filter(matches).length} match “${view.search}”` : '') +
    (data.truncated ? ' · truncated' : '');
  vscode.postMessage({ type: 'focused', focus: view.focus, title, mode: view.mode });
  persist();
  postMetrics(layout.layers, layout.rows);
}

/** Fit the drawing to the panel, but no larger than 1.5x (a 3-node graph does not fill the screen). */
function fitView(c: Cy): void {
  c.fit(undefined, 24);
  if (c.zoom() > 1.5) {
    (c as unknown as { zoom(o: { level: number; renderedPosition: { x: number; y: number } }): void }).zoom({ level: 1.5, renderedPosition: { x: c.width() / 2, y: c.height() / 2 } });
    (c as unknown as { center(): void }).center();
  }
}

function postMetrics(layers?: number, rows?: number): void {
  if (!cy) return;
  const ns = cy.nodes();
  const boxes = ns.map((n) => n.renderedBoundingBox({ includeLabels: true }));
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.x1 < b.x2 - 0.5 && b.x1 < a.x2 - 0.5 && a.y1 < b.y2 - 0.5 && b.y1 < a.y2 - 0.5) overlaps++;
    }
  }
  const bb = ns.length ? ns.boundingBox({ includeLabels: true }) : { w: 0, h: 0 };
  vscode.postMessage({
    type: 'metrics',
    nodes: ns.length,
    edges: cy.edges().length,
    width: bb.w,
    height: bb.h,
    aspect: bb.h > 0 ? bb.w / bb.h : 0,
    overlaps,
    zoom: cy.zoom(),
    focus: view.focus,
    mode: view.mode,
    layers,
    rows,
    viewport: { width: cy.width(), height: cy.height() },
    // what is styled as a hazard, by class (the suite checks that hazards show)
    hazards: Object.fromEntries(['untranslated', 'cycle', 'deadlock', 'disabled', 'never-probes', 'cells'].map((h) => [h, cy!.elements(`.${h}`).length])),
  });
}

function bindingFilter(): void {
  const box = $('bindings-list');
  box.textContent = '';
  if (!data) return;
  for (const b of data.bindings) {
    const label = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.checked = !view.hidden.includes(b.binding);
    cb.addEventListener('change', () => {
      view.hidden = cb.checked ? view.hidden.filter((x) => x !== b.binding) : [...view.hidden, b.binding];
      updateBindingSummary();
      render();
    });
    label.append(cb, ` ${b.binding} (${b.count})`);
    box.append(label);
  }
  updateBindingSummary();
}

function updateBindingSummary(): void {
  const n = data?.bindings.length ?? 0;
  const off = view.hidden.filter((h) => data?.bindings.some((b) => b.binding === h)).length;
  $('bindings-summary').textContent = off ? `Bindings: ${n - off} of ${n}` : 'Bindings: all';
}

function setFocus(id: string | undefined): void {
  view.focus = id;
  if (id) view.mode = 'focus';
  syncControls();
  render();
}

function syncControls(): void {
  ($('mode') as HTMLSelectElement).value = view.mode;
  ($('hops') as HTMLInputElement).value = String(view.hops);
  ($('status-filter') as HTMLSelectElement).value = view.status;
  ($('follow') as HTMLInputElement).checked = view.follow;
  ($('search') as HTMLInputElement).value = view.search;
}

function init(): void {
  fontFamily = css('--vscode-font-family', 'sans-serif');
  const fg = css('--vscode-editor-foreground', '#ccc');
  const bg = css('--vscode-editor-background', '#1e1e1e');
  const accent = css('--vscode-focusBorder', '#0a84ff');
  const muted = css('--vscode-disabledForeground', '#888');
  const warn = css('--vscode-editorWarning-foreground', '#cca700');
  const err = css('--vscode-editorError-foreground', '#f14c4c');
  const info = css('--vscode-editorInfo-foreground', '#3794ff');
  const line = css('--vscode-editorLineNumber-foreground', '#858585');
  cy = cytoscape({
    container: $('graph'),
    wheelSensitivity: 0.3,
    minZoom: 0.05,
    maxZoom: 3,
    autoungrabify: true,
    style: [
      { selector: 'node', style: { shape: 'round-rectangle', width: 'data(w)', height: 'data(h)', label: 'data(label)', 'font-size': FONT_SIZE, 'font-family': fontFamily, color: fg, 'text-valign': 'center', 'text-halign': 'center', 'background-color': bg, 'border-width': 1, 'border-color': line } },
      // kinds by a tint and a border, the text in the theme's colour (readable in light and dark themes)
      { selector: 'node.device', style: { 'background-color': bg } },
      { selector: 'node.provider', style: { 'background-color': info, 'background-opacity': 0.18, 'border-color': info, 'border-width': 1.5 } },
      { selector: 'node.iommu', style: { 'background-color': '#b180d7', 'background-opacity': 0.25, 'border-color': '#b180d7', 'border-width': 2 } },
      { selector: 'node.focus', style: { 'border-width': 3, 'border-color': accent, 'font-weight': 'bold' } },
      { selector: 'node.disabled', style: { 'border-style': 'dashed', color: muted, 'background-opacity': 0.08 } },
      { selector: 'node.untranslated', style: { 'border-color': warn, 'border-width': 3, 'border-style': 'double' } },
      { selector: 'node.cycle', style: { 'border-color': err, 'border-width': 2 } },
      { selector: 'node.match', style: { 'overlay-color': accent, 'overlay-opacity': 0.35, 'overlay-padding': 4 } },
      { selector: 'edge', style: { width: 1.2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8, 'line-color': line, 'target-arrow-color': line, opacity: 0.55, 'font-size': 10, color: fg, 'text-background-color': bg, 'text-background-opacity': 0.8, 'text-rotation': 'autorotate' } },
      { selector: 'edge.optional', style: { 'line-style': 'dashed' } },
      { selector: 'edge.disabled, edge.never-probes', style: { 'line-color': warn, 'target-arrow-color': warn, width: 2, opacity: 0.95 } },
      { selector: 'edge.untranslated', style: { 'line-color': warn, 'target-arrow-color': warn, width: 3, opacity: 1, 'line-style': 'dashed' } },
      { selector: 'edge.cycle, edge.deadlock', style: { 'line-color': err, 'target-arrow-color': err, width: 2.5, opacity: 1 } },
      { selector: 'edge.cells', style: { 'line-color': '#d670d6', 'target-arrow-color': '#d670d6', width: 2, opacity: 1 } },
      { selector: 'edge.hl', style: { opacity: 1, width: 2.2, label: 'data(label)', 'line-color': accent, 'target-arrow-color': accent, 'z-index': 10 } },
      { selector: 'node.hl', style: { 'border-color': accent, 'border-width': 2 } },
    ],
  });
  const c = cy;
  c.on('tap', 'node, edge', (e) => {
    const loc = e.target.data('location') as Loc | undefined;
    if (loc && loc.uri) vscode.postMessage({ type: 'open', uri: loc.uri, range: loc.range });
  });
  c.on('dbltap', 'node', (e) => setFocus(e.target.id()));
  c.on('mouseover', 'node', (e) => {
    const t = e.target;
    t.connectedEdges().addClass('hl');
    t.neighborhood().addClass('hl');
  });
  c.on('mouseout', 'node', () => c.elements().removeClass('hl'));
  window.addEventListener('resize', () => { c.resize(); fitView(c); });

  $('mode').addEventListener('change', () => { view.mode = ($('mode') as HTMLSelectElement).value as ViewState['mode']; render(); });
  $('hops').addEventListener('change', () => {
    view.hops = Math.max(1, Math.min(9, Number(($('hops') as HTMLInputElement).value) || 1));
    render();
  });
  $('status-filter').addEventListener('change', () => { view.status = ($('status-filter') as HTMLSelectElement).value as ViewState['status']; render(); });
  $('follow').addEventListener('change', () => { view.follow = ($('follow') as HTMLInputElement).checked; persist(); vscode.postMessage({ type: 'follow', follow: view.follow }); });
  $('fit').addEventListener('click', () => fitView(c));
  const search = $('search') as HTMLInputElement;
  search.addEventListener('input', () => { view.search = search.value; render(); });
  search.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || !data) return;
    const s = search.value.trim().toLowerCase();
    const hit = data.nodes.find((n) => n.label.toLowerCase() === s) ?? data.nodes.find((n) => n.label.toLowerCase().includes(s) || n.path.toLowerCase().includes(s));
    if (hit) setFocus(hit.id);
  });
  syncControls();
}

window.addEventListener('message', (event: MessageEvent) => {
  const msg = event.data as { type: string; data?: GraphData; focus?: string; uri?: string };
  if (msg.type === 'graph' && msg.data) {
    if (msg.uri) docUri = msg.uri;
    const first = !data;
    data = msg.data;
    // a new focus when asked; else (a reloaded or restored view) the saved one, else the server's
    if (msg.focus !== undefined || first) view.focus = msg.focus ?? view.focus ?? data.focus;
    if (msg.focus) view.mode = 'focus';
    if (first && !view.focus) view.mode = 'whole';
    bindingFilter();
    syncControls();
    render();
  } else if (msg.type === 'focus' && msg.focus && data && view.follow && msg.focus !== view.focus && data.nodes.some((n) => n.id === msg.focus)) {
    setFocus(msg.focus);
  } else if (msg.type === 'measure') {
    postMetrics();
  }
});

init();
vscode.postMessage({ type: 'ready', state: view });
