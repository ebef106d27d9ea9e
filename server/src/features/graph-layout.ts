// Layered layout of the supplier graph (suppliers above their consumers), for the graph webview,
// which bundles this file and feeds it the measured sizes of the node labels. Pure and
// deterministic; no overlaps by construction:
//  1. cycles are broken (depth-first back edges are left out of the layering);
//  2. layers: a node sits one row below its lowest supplier (longest path from the sources), and
//     a source is pulled down to just above its highest consumer;
//  3. order within a layer: barycentre sweeps (suppliers' and consumers' relative positions);
//  4. a layer wider than the drawing's target width (from the total area and the target aspect
//     ratio) wraps into several rows, so a node with 200 consumers gives a block, not a line;
//  5. rows are packed left to right and centred; layers are separated more than wrapped rows.

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

/** consumer -> supplier */
export interface LayoutEdge {
  from: string;
  to: string;
}

export interface LayoutOptions {
  /** horizontal gap between boxes (default 24) */
  gapX?: number;
  /** vertical gap between layers (default 56); wrapped rows of a layer are closer */
  gapY?: number;
  /** target width / height of the whole drawing (default 1.6) */
  aspect?: number;
}

export interface LayoutResult {
  /** centre of each node's box */
  positions: Map<string, { x: number; y: number }>;
  /** the layer of each node (0 = top: suppliers of everything below) */
  layer: Map<string, number>;
  width: number;
  height: number;
  layers: number;
  rows: number;
}

export function layeredLayout(nodes: LayoutNode[], edges: LayoutEdge[], options: LayoutOptions = {}): LayoutResult {
  const gapX = options.gapX ?? 24;
  const gapY = options.gapY ?? 56;
  const aspect = options.aspect ?? 1.6;
  const n = nodes.length;
  const index = new Map<string, number>();
  nodes.forEach((v, i) => index.set(v.id, i));
  const sup: number[][] = nodes.map(() => []);
  const con: number[][] = nodes.map(() => []);
  const seen = new Set<string>();
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    const k = `${a},${b}`;
    if (seen.has(k)) continue;
    seen.add(k);
    sup[a].push(b);
    con[b].push(a);
  }

  // 1. back edges of a depth-first walk along supplier links (iterative)
  const back = new Set<string>();
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  for (let s = 0; s < n; s++) {
    if (state[s]) continue;
    const stack: [number, number][] = [[s, 0]];
    state[s] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < sup[v].length) {
        top[1]++;
        const w = sup[v][i];
        if (state[w] === 1) back.add(`${v},${w}`);
        else if (state[w] === 0) {
          state[w] = 1;
          stack.push([w, 0]);
        }
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }
  const dagSup = sup.map((l, v) => l.filter((w) => !back.has(`${v},${w}`)));
  const dagCon: number[][] = nodes.map(() => []);
  dagSup.forEach((l, v) => l.forEach((w) => dagCon[w].push(v)));

  // 2. layers: longest path from the sources (Kahn order over supplier -> consumer)
  const layer = new Array<number>(n).fill(0);
  const pending = dagSup.map((l) => l.length);
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (pending[v] === 0) order.push(v);
  for (let qi = 0; qi < order.length; qi++) {
    const v = order[qi];
    for (const c of dagCon[v]) {
      layer[c] = Math.max(layer[c], layer[v] + 1);
      if (--pending[c] === 0) order.push(c);
    }
  }
  // sources just above their highest consumer (short edges), consumers first
  for (let qi = order.length - 1; qi >= 0; qi--) {
    const v = order[qi];
    if (dagSup[v].length || !dagCon[v].length) continue;
    layer[v] = Math.max(0, Math.min(...dagCon[v].map((c) => layer[c])) - 1);
  }
  const layerCount = n ? Math.max(...layer) + 1 : 0;
  const rowsOf: number[][] = Array.from({ length: layerCount }, () => []);
  // initial order: by id, stable
  const byId = nodes.map((_, i) => i).sort((x, y) => (nodes[x].id < nodes[y].id ? -1 : nodes[x].id > nodes[y].id ? 1 : 0));
  for (const v of byId) rowsOf[layer[v]].push(v);

  // 3. barycentre sweeps
  const pos = new Float64Array(n);
  const place = () => rowsOf.forEach((r) => r.forEach((v, i) => { pos[v] = (i + 0.5) / r.length; }));
  place();
  for (let it = 0; it < 8; it++) {
    const down = it % 2 === 0;
    const seq = down ? rowsOf : [...rowsOf].reverse();
    for (const r of seq) {
      const key = new Map<number, number>();
      for (const v of r) {
        const nb = down ? sup[v] : con[v];
        key.set(v, nb.length ? nb.reduce((s, w) => s + pos[w], 0) / nb.length : pos[v]);
      }
      r.sort((x, y) => key.get(x)! - key.get(y)! || pos[x] - pos[y]);
      r.forEach((v, i) => { pos[v] = (i + 0.5) / r.length; });
    }
  }

  // 4. wrap wide layers
  let area = 0;
  let widest = 0;
  for (const v of nodes) {
    area += (v.width + gapX) * (v.height + gapY);
    widest = Math.max(widest, v.width);
  }
  const target = Math.max(widest + gapX, Math.sqrt(area * aspect));
  const rowWidth = (r: number[]) => r.reduce((s, v) => s + nodes[v].width + gapX, 0) - (r.length ? gapX : 0);
  const rows: { nodes: number[]; layer: number }[] = [];
  rowsOf.forEach((r, L) => {
    const total = rowWidth(r);
    const k = Math.max(1, Math.ceil(total / target));
    if (k === 1) {
      rows.push({ nodes: r, layer: L });
      return;
    }
    const share = total / k;
    let cur: number[] = [];
    let w = 0;
    for (const v of r) {
      const add = nodes[v].width + (cur.length ? gapX : 0);
      if (cur.length && w + add > share * 1.02 && rows.filter((x) => x.layer === L).length < k - 1) {
        rows.push({ nodes: cur, layer: L });
        cur = [];
        w = 0;
      }
      w += nodes[v].width + (cur.length ? gapX : 0);
      cur.push(v);
    }
    if (cur.length) rows.push({ nodes: cur, layer: L });
  });

  // 5. coordinates
  const positions = new Map<string, { x: number; y: number }>();
  let y = 0;
  let maxW = 0;
  rows.forEach((row, i) => {
    const h = Math.max(...row.nodes.map((v) => nodes[v].height));
    if (i > 0) y += rows[i - 1].layer === row.layer ? gapY * 0.45 : gapY;
    const w = rowWidth(row.nodes);
    maxW = Math.max(maxW, w);
    let x = -w / 2;
    for (const v of row.nodes) {
      positions.set(nodes[v].id, { x: x + nodes[v].width / 2, y: y + h / 2 });
      x += nodes[v].width + gapX;
    }
    y += h;
  });
  const layerOut = new Map<string, number>();
  nodes.forEach((v, i) => layerOut.set(v.id, layer[i]));
  return { positions, layer: layerOut, width: maxW, height: y, layers: layerCount, rows: rows.length };
}

/**
 * The neighbourhood of a node, `hops` links either way: its suppliers up to `hops` levels up and its
 * consumers up to `hops` levels down (not the suppliers of its consumers). Ids of the nodes kept.
 */
export function neighbourhood(view: { edges: readonly { from: string; to: string }[] }, focus: string, hops: number): Set<string> {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const e of view.edges) {
    (up.get(e.from) ?? up.set(e.from, []).get(e.from)!).push(e.to);
    (down.get(e.to) ?? down.set(e.to, []).get(e.to)!).push(e.from);
  }
  const keep = new Set<string>([focus]);
  for (const dir of [up, down]) {
    const visited = new Set<string>([focus]);
    let frontier = [focus];
    for (let h = 0; h < hops && frontier.length; h++) {
      const next: string[] = [];
      for (const v of frontier) {
        for (const w of dir.get(v) ?? []) {
          if (visited.has(w)) continue;
          visited.add(w);
          keep.add(w);
          next.push(w);
        }
      }
      frontier = next;
    }
  }
  return keep;
}
