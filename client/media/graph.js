// Webview script of the supplier graph view. Receives
// { type: 'graph', data: { nodes: [{ id, label, detail?, kind?, disabled?, focus?, location? }],
//   edges: [{ id, source, target, label?, kind?, optional?, location? }] } }
// where location = { uri, range } (LSP), and posts { type: 'open', uri, range } on click.
/* global cytoscape, acquireVsCodeApi */
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const style = getComputedStyle(document.body);
  const fg = style.getPropertyValue('--vscode-editor-foreground').trim() || '#ccc';
  const accent = style.getPropertyValue('--vscode-focusBorder').trim() || '#0a84ff';
  const muted = style.getPropertyValue('--vscode-disabledForeground').trim() || '#888';
  const warn = style.getPropertyValue('--vscode-editorWarning-foreground').trim() || '#cca700';
  let cy;

  function render(data) {
    const bar = document.getElementById('bar');
    if (!data || !Array.isArray(data.nodes) || data.nodes.length === 0) {
      bar.textContent = 'No supplier graph here: place the cursor on a node.';
      if (cy) cy.elements().remove();
      return;
    }
    bar.textContent = `${data.nodes.length} nodes, ${(data.edges || []).length} edges. Click a node or an edge to go to its source.`;
    const elements = [];
    for (const n of data.nodes) {
      elements.push({ group: 'nodes', data: { id: String(n.id), label: n.label || String(n.id), detail: n.detail || '', location: n.location },
        classes: [n.focus ? 'focus' : '', n.disabled ? 'disabled' : '', n.kind || ''].join(' ') });
    }
    for (const e of data.edges || []) {
      elements.push({ group: 'edges', data: { id: String(e.id || `${e.source}->${e.target}:${e.label || ''}`), source: String(e.source), target: String(e.target), label: e.label || '', location: e.location },
        classes: [e.optional ? 'optional' : '', e.kind || ''].join(' ') });
    }
    if (cy) cy.destroy();
    cy = cytoscape({
      container: document.getElementById('graph'),
      elements,
      wheelSensitivity: 0.3,
      style: [
        { selector: 'node', style: { label: 'data(label)', color: fg, 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4, 'background-color': '#4a7ebb', width: 18, height: 18 } },
        { selector: 'node.focus', style: { 'background-color': accent, width: 26, height: 26, 'font-weight': 'bold' } },
        { selector: 'node.disabled', style: { 'background-color': muted, 'border-style': 'dashed', 'border-width': 2, 'border-color': warn } },
        { selector: 'edge', style: { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#888', 'target-arrow-color': '#888', label: 'data(label)', 'font-size': 9, color: fg, 'text-rotation': 'autorotate' } },
        { selector: 'edge.optional', style: { 'line-style': 'dashed' } },
        { selector: 'edge.parent', style: { 'line-color': '#555', 'target-arrow-color': '#555', label: '' } },
      ],
      layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.2, roots: data.nodes.filter((n) => n.focus).map((n) => '#' + CSS.escape(String(n.id))) },
    });
    cy.on('tap', 'node, edge', (evt) => {
      const loc = evt.target.data('location');
      if (loc && loc.uri) vscode.postMessage({ type: 'open', uri: loc.uri, range: loc.range });
    });
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg && msg.type === 'graph') render(msg.data);
  });
})();
