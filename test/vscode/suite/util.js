// Helpers of the VS Code suite: waiting, positions, the extension's API, screenshots (served by
// scripts/vscode-shim.js through the DevTools protocol; saved under out/screenshots).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

async function until(what, fn, timeoutMs = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function positionOf(doc, needle, shift = 0) {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${doc.uri.fsPath}`);
  return doc.positionAt(at + shift);
}

async function api() {
  const ext = vscode.extensions.all.find((e) => e.packageJSON && e.packageJSON.name === 'devicetree-lsp');
  assert.ok(ext, 'the extension is installed');
  return ext.isActive ? ext.exports : ext.activate();
}

/** Capture the browser window as out/screenshots/NAME.png; returns the file (undefined outside the shim). */
async function screenshot(name) {
  const dir = process.env.DTS_E2E_SHOTS_REQ;
  if (!dir) return undefined;
  await vscode.commands.executeCommand('notifications.clearAll').then(undefined, () => undefined);
  await sleep(400); // let the workbench paint
  const done = path.join(dir, `${name}.done`);
  fs.rmSync(done, { force: true });
  fs.writeFileSync(path.join(dir, `${name}.req`), '');
  await until(`screenshot ${name}`, () => fs.existsSync(done), 30_000);
  const answer = fs.readFileSync(done, 'utf8');
  if (answer.startsWith('error:')) throw new Error(`screenshot ${name}: ${answer}`);
  return answer;
}

/**
 * Run fn, which edits `file` in the editor, and make sure the file on disk is as before afterwards
 * (revert the document; if anything was saved, write the original back and fail).
 */
async function keepOnDisk(file, fn) {
  const original = fs.readFileSync(file);
  try {
    await fn();
  } finally {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (doc && doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    if (!fs.readFileSync(file).equals(original)) {
      fs.writeFileSync(file, original);
      throw new Error(`${file} was written to disk during the test (restored)`);
    }
  }
}

module.exports = { until, sleep, positionOf, api, screenshot, keepOnDisk };
