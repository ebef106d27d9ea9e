// The server's configuration: the settings (initializationOptions, workspace/configuration,
// didChangeConfiguration) applied to the analysis host, the IOMMU model override file, and the
// folders the server may read from disk.
import { ANALYSIS_SLICE_MS } from './scheduler';
import { BindingsHost } from '../bindings';
import { MessageType } from 'vscode-languageserver';
import type { AnalysisOptions } from '../analysis';
import type { NodeFileSystem } from '../base/node-fs';
import { detectIncludePaths } from '../workspace/include-paths';
import { normalizeSettings, type DtsSettings, DEFAULT_SETTINGS } from './settings';
import type { DtsServer } from './server';

/** How long a stat of a file is trusted while the client watches files (see watchingDisk). */
export const DISK_TRUST_MS = 1_000;

export class ServerConfiguration {
  settings: DtsSettings = { ...DEFAULT_SETTINGS };
  private rawSettings: unknown;
  workspaceRoots: string[] = [];
  private modelOverrideProblem: string | undefined;
  /** files opened before their context was chosen (their folder must be readable at once) */
  private readonly extraRootFiles = new Set<string>();

  /** `nodeFs`: the disk, restricted to the workspace, the detected source trees and the include paths (see updateFileRoots) */
  constructor(private readonly s: DtsServer, private readonly nodeFs: NodeFileSystem | undefined) {}

  async fetchSettings(): Promise<void> {
    if (!this.s.clientCapabilities.workspace?.configuration) return;
    try {
      const settings = await this.s.connection.workspace.getConfiguration('devicetree');
      if (settings !== null && settings !== undefined) this.applySettings(settings);
    } catch (e) {
      this.s.logError('workspace/configuration', e);
    }
  }

  /** Apply the last settings again (the model override file changed on disk). */
  reapply(): void {
    this.applySettings(this.rawSettings);
  }

  applySettings(raw: unknown): void {
    this.rawSettings = raw;
    const { settings, problems } = normalizeSettings(raw, this.workspaceRoots[0]);
    this.settings = settings;
    for (const p of problems) {
      this.s.log(`settings: ${p}`);
      this.s.showMessage(MessageType.Warning, `Devicetree: ${p}`);
    }
    const options: AnalysisOptions = {
      incremental: true,
      sliceMs: ANALYSIS_SLICE_MS,
      includePaths: settings.includePaths,
      defines: settings.defines,
      severities: settings.severities,
      modelOverride: this.readModelOverride(settings.modelOverride),
      zephyrBase: process.env.ZEPHYR_BASE,
      kernel: {
        kconfig: settings.kernelConfig,
        buildOutput: settings.kbuildOutput ?? process.env.KBUILD_OUTPUT,
        cmdline: settings.kernelCommandLine,
        cmdlineSource: 'the devicetree.kernelCommandLine setting',
        lateModules: settings.lateModules,
      },
      board: settings.board,
      buildDir: settings.buildDir,
      flavour: settings.flavour,
      // Zephyr trees are checked in process (small, cheap); Linux ones in the bindings worker (bindings.ts)
      bindings: new BindingsHost(this.s.fs, { enabled: settings.bindings.enabled, dirs: settings.bindings.dirs, linux: false }),
    };
    this.s.host.setOptions(options);
    this.s.bindings.inProcess = options.bindings;
    this.s.bindings.configure(settings.bindings.enabled, settings.bindings.dirs);
    this.s.index.clearIncludePathCache();
    this.updateFileRoots();
  }

  async onDidChangeConfiguration(settings: unknown): Promise<void> {
    const s = this.s;
    if (s.clientCapabilities.workspace?.configuration) await this.fetchSettings();
    else {
      const obj = settings as Record<string, unknown> | undefined;
      this.applySettings(obj && typeof obj === 'object' && 'devicetree' in obj ? obj.devicetree : obj);
    }
    if (this.modelOverrideProblem === undefined) s.publisher.clearModelOverrideDiagnostic();
    s.contexts.reassignAll();
    s.contexts.markAllDirty();
    s.scheduler.schedule(0);
  }

  /**
   * The server reads the disk only inside the workspace folders, the configured include paths (and model
   * override file), the folders of open documents and the source trees (Linux, Zephyr) detected around them.
   * Anything else (`#include "/etc/passwd"`) is refused with an include-error diagnostic.
   */
  updateFileRoots(): void {
    if (!this.nodeFs) return;
    const roots = [...this.workspaceRoots, ...this.settings.includePaths];
    if (this.settings.modelOverride) roots.push(this.settings.modelOverride);
    if (this.settings.kernelConfig) roots.push(this.settings.kernelConfig);
    const kbuild = this.settings.kbuildOutput ?? process.env.KBUILD_OUTPUT;
    if (kbuild) roots.push(kbuild);
    for (const file of new Set([...this.s.contexts.docContext.keys(), ...this.extraRootFiles])) {
      roots.push(file.slice(0, file.lastIndexOf('/')) || '/');
      const tree = detectIncludePaths(file, this.s.fs);
      if (tree.root) roots.push(tree.root);
      for (const p of tree.includePaths) roots.push(p);
    }
    this.nodeFs.setRoots(roots.map((r) => (r.length > 1 && r.endsWith('/') ? r.slice(0, -1) : r)));
  }

  /**
   * The file system reads the disk (not a test's files in memory): the roots it may read (undefined:
   * unrestricted); null when it does not read the disk, so that the index must not be built from the disk.
   */
  get diskRoots(): string[] | undefined | null {
    return this.nodeFs ? this.nodeFs.allowedRoots : null;
  }

  /** A document was opened: its folder (and source tree) becomes readable. */
  addDocumentRoot(file: string): void {
    if (!this.extraRootFiles.has(file)) {
      this.extraRootFiles.add(file);
      this.updateFileRoots();
    }
  }

  removeDocumentRoot(file: string): void {
    if (this.extraRootFiles.delete(file)) this.updateFileRoots();
  }

  /**
   * The client reports files changed on disk (the watcher is registered): a file's stat is trusted for
   * DISK_TRUST_MS, so that a keystroke's analysis does not stat every include again. A change the watcher
   * does not see (a file outside the workspace) is read at most that long after it.
   */
  watchingDisk(): void {
    this.nodeFs?.setTrustWindow(DISK_TRUST_MS);
  }

  /**
   * Once an analysis is published: what the trust window would soon stop trusting is stat-ed again now, between
   * keystrokes, instead of inside the next keystroke's analysis (NodeFileSystem.refreshTrusted).
   */
  refreshDiskTrust(): void {
    this.nodeFs?.refreshTrusted();
  }

  /** A file changed on disk: read it again. */
  invalidateDiskFile(file: string): void {
    this.nodeFs?.invalidate(file);
  }

  /** Read and parse the model override file; a problem becomes a message and a diagnostic on that file. */
  private readModelOverride(file: string | undefined): unknown {
    this.modelOverrideProblem = undefined;
    if (!file) return undefined;
    const r = this.s.fs.readFile(file);
    if (!r.ok) {
      this.reportModelOverride(file, `Devicetree: cannot read the IOMMU model override ${file}: ${r.message}`, 0, 0);
      return undefined;
    }
    try {
      return JSON.parse(r.text);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const m = /position (\d+)/.exec(msg);
      const at = m ? Math.min(Number(m[1]), r.text.length) : 0;
      this.reportModelOverride(file, `Devicetree: the IOMMU model override ${file} is not valid JSON: ${msg}`, at, Math.min(at + 1, r.text.length), r.text);
      return undefined;
    }
  }

  private reportModelOverride(file: string, message: string, start: number, end: number, text = ''): void {
    this.modelOverrideProblem = message;
    this.s.log(message);
    this.s.showMessage(MessageType.Error, message);
    this.s.publisher.reportModelOverride(file, message, start, end, text);
  }
}
