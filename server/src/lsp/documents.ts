// Document synchronisation: open, change and close of editor documents (their text shadows the disk
// in the overlay file system), and files changed on disk (didChangeWatchedFiles). Each marks the
// contexts that read the file for re-analysis and schedules it.
import { FileChangeType, TextDocumentContentChangeEvent, type DidChangeWatchedFilesParams, type TextDocumentsConfiguration } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EditorDocument } from './text-document';
import { noteEdit } from '../base/text';
import { fileRole } from '../workspace/contexts';
import { rememberUri, uriToPath } from './convert';
import type { DtsServer } from './server';
import { traceMark } from './trace';

/**
 * The documents' texts, as vscode-languageserver-textdocument keeps them, with each keystroke's change noted for the
 * analysis' diffs of the old and new texts (base/text.ts noteEdit): a change of one range, the common case.
 */
export const documentsNotingEdits: TextDocumentsConfiguration<TextDocument> = {
  create: (uri, languageId, version, content) => new EditorDocument(uri, languageId, version, content),
  update(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    const d = doc instanceof EditorDocument ? doc : new EditorDocument(doc.uri, doc.languageId, doc.version, doc.getText());
    const c = changes.length === 1 ? changes[0] : undefined;
    if (!c || !TextDocumentContentChangeEvent.isIncremental(c)) {
      d.update(changes, version);
      return d;
    }
    const before = d.getText();
    const at = d.offsetAt(c.range.start);
    const end = d.offsetAt(c.range.end);
    d.update(changes, version);
    // (with what was put in: the new text is then read through its view, base/text.ts EditedText)
    if (end >= at) noteEdit(before, d.getText(), at, end - at, c.text);
    return d;
  },
};

export class DocumentSync {
  /** time of the last didChange (ms since the epoch), for the adaptive debounce */
  private lastChangeAt = 0;

  constructor(private readonly s: DtsServer) {}

  /** documents whose didOpen waits for the settings or the workspace index */
  opening = 0;
  /** those documents by URI: a request about one waits until its context is chosen */
  private readonly openingUris = new Map<string, Promise<void>>();

  async onOpen(doc: TextDocument): Promise<void> {
    this.opening++;
    const done = this.open(doc);
    this.openingUris.set(doc.uri, done);
    try {
      await done;
    } finally {
      this.opening--;
      if (this.openingUris.get(doc.uri) === done) this.openingUris.delete(doc.uri);
    }
  }

  /** The didOpen of `uri` still in progress (waiting for the settings or the index), if any. */
  openInProgress(uri: string): Promise<void> | undefined {
    return this.openingUris.get(uri);
  }

  private async open(doc: TextDocument): Promise<void> {
    const s = this.s;
    const file = rememberUri(doc.uri);
    if (file === undefined) return;
    s.fs.setOverlay(file, doc.getText(), doc.version);
    s.config.addDocumentRoot(file);
    // settings (include paths, contexts) come after `initialized`; a client that never sends it is not waited for long
    await Promise.race([s.settingsReady, new Promise((r) => setTimeout(r, 2000))]);
    // an include file needs the index to find its board: wait for it (a board does not)
    if (fileRole(file) !== 'board' && fileRole(file) !== 'overlay' && !s.index.ready) await s.indexRunner.indexing;
    const now = s.documents.get(doc.uri);
    if (!now) return; // closed while waiting
    s.fs.setOverlay(file, now.getText(), now.version);
    s.index.updateFile(file, now.getText());
    s.contexts.assignContext(file);
    // an opened board becomes the context of the open .dtsi files it includes (workspace/contexts.ts)
    if (fileRole(file) === 'board') s.contexts.reassignOthers(file);
    s.contexts.markDirty(file);
    s.scheduler.touch(s.contexts.docContext.get(file)!.root);
    s.scheduler.schedule(0);
  }

  onChange(doc: TextDocument): void {
    const s = this.s;
    const file = uriToPath(doc.uri);
    if (file === undefined) return;
    traceMark('change');
    s.fs.setOverlay(file, doc.getText(), doc.version);
    s.contexts.markDirty(file);
    // before didOpen has chosen its context (it waits for the settings or the index), contexts that read the
    // file are re-analysed; didOpen does the rest
    if (!s.contexts.docContext.has(file)) { s.scheduler.schedule(s.currentSettings.debounceMs); return; }
    s.indexRunner.noteEdited(file);
    s.scheduler.touch(s.contexts.docContext.get(file)!.root);
    // an isolated edit is analysed at once; edits in a burst (typing) wait for the debounce. An
    // analysis overtaken by a newer edit is abandoned, so a burst publishes only its last version.
    const now = Date.now();
    const debounceMs = s.currentSettings.debounceMs;
    const isolated = now - this.lastChangeAt >= debounceMs && !s.scheduler.isRunning;
    this.lastChangeAt = now;
    s.scheduler.schedule(isolated ? 0 : debounceMs);
  }

  onClose(doc: TextDocument): void {
    const s = this.s;
    const file = uriToPath(doc.uri);
    if (file === undefined) return;
    s.fs.clearOverlay(file);
    s.index.updateFile(file); // back to the disk's text
    s.contexts.docContext.delete(file);
    s.config.removeDocumentRoot(file);
    s.contexts.markDirty(file);
    // the open .dtsi files analysed in a closed board go to another open board, else their nearest one
    if (fileRole(file) === 'board') s.contexts.reassignOthers(file);
    s.contexts.dropUnusedContexts();
    s.scheduler.schedule(0);
  }

  onDidChangeWatchedFiles(p: DidChangeWatchedFilesParams): void {
    const s = this.s;
    let created = false;
    for (const ch of p.changes) {
      const file = uriToPath(ch.uri);
      if (file === undefined) continue;
      // a changed file is re-read (the cache also checks each file's stat on every read)
      s.config.invalidateDiskFile(file);
      if (s.currentSettings.modelOverride === file) {
        s.config.reapply();
        s.contexts.markAllDirty();
      }
      if (s.fs.hasOverlay(file)) continue; // the editor buffer is the truth for open files
      const role = fileRole(file);
      if (ch.type === FileChangeType.Deleted) {
        s.index.removeFile(file);
      } else if (role !== 'other' && !file.endsWith('.h')) {
        s.index.updateFile(file);
      }
      if (ch.type === FileChangeType.Created) created = true;
      s.contexts.markDirty(file);
    }
    // a new file may satisfy a missing include anywhere; a deleted one may break one
    if (created || p.changes.some((c) => c.type === FileChangeType.Deleted)) {
      s.host.clearPlans(); // an overlay's base may be another now
      s.contexts.markAllDirty();
      s.contexts.reassignAll();
    }
    s.scheduler.schedule(s.currentSettings.debounceMs);
  }
}
