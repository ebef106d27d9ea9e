// The analysis core's public shapes: what AnalysisHost (analysis.ts) takes (AnalysisOptions) and gives (Analysis,
// its stack and context choices). Kept apart from the host so that the types read on their own.
import type { Diagnostic, SeverityOverrides } from './base/diagnostics';
import type { FileSystem } from './base/fs';
import type { LineIndex } from './base/text';
import type { BindingsHost, TreeInfo } from './bindings';
import type { KernelEnvironment, KernelOptions } from './kernel/environment';
import type { IommuModel } from './model/iommu';
import type { ProbeReport } from './model/probe/types';
import type { SupplierGraph } from './model/types';
import type { PreprocessResult } from './preprocess/types';
import type { DtsFile } from './syntax/ast';
import type { LiveTree, TreeNode } from './tree/types';
import type { Flavour } from './workspace/flavour';
import type { StackMode } from './workspace/stack';

export interface AnalysisOptions {
  /** extra include directories (-I), searched after the including file's directory */
  includePaths?: string[];
  /** --define NAME[=VAL] */
  defines?: Record<string, string>;
  /** detect Linux / Zephyr include paths from the root file's location (default true) */
  autoDetectIncludePaths?: boolean;
  severities?: SeverityOverrides;
  /**
   * Keep each root's last tree and patch it for a keystroke instead of merging again (tree/incremental.ts);
   * the language server sets it (an analysis' tree then changes when the next one of its root is made).
   */
  incremental?: boolean;
  /**
   * The host analyses one root once (the CLI with one FILE): the preprocessor's and the parser's memos, which
   * only pay when a later analysis can reuse them, are not kept.
   */
  oneShot?: boolean;
  /**
   * analyzeSteps: the merge, the supplier graph and the checks of a full analysis yield at least every
   * `sliceMs` (between top-level statements, phases and checks), so that the language server answers
   * requests in between (default: a step per stage only)
   */
  sliceMs?: number;
  /** with sliceMs: the size up to which a first parse runs the parser once (ParseOptions.firstWholeMaxChars) */
  firstWholeMaxChars?: number;
  /** parsed JSON of a user's IOMMU model override file */
  modelOverride?: unknown;
  /** the kernel the tree is predicted for: configuration, command line (kernel/environment.ts) */
  kernel?: KernelOptions;
  /** validate against the bindings of the board's tree in process (the CLI; the language server uses a worker) */
  bindings?: BindingsHost;
  /** force the flavour (default: detected from the root file's location, extension and content) */
  flavour?: Flavour;
  /** ZEPHYR_BASE (environment or setting): Zephyr for files outside any west workspace */
  zephyrBase?: string;
  /** overlays stacked on the root (CLI --overlay): Zephyr's in the same cpp run, others applied like fdtoverlay */
  overlays?: string[];
  /** a board name or .dts for an overlay that does not name its board (setting / CLI --board) */
  board?: string;
  /** a Zephyr build directory whose stack is used (CLI --build-dir) */
  buildDir?: string;
}

/** Per-analysis choice of the language server: the base the user picked for an overlay. */
export interface ContextPick {
  base?: string;
}

/** How the analysed tree was stacked (workspace/stack.ts). */
export interface AnalysisStack {
  mode: StackMode;
  /** the board (or root) preprocessed first */
  base: string;
  /** the overlays on it, in order */
  overlays: string[];
  /** how the base of an overlay was found, for the user */
  baseNote?: string;
  /** an overlay analysed without a base (none could be found) */
  noBase?: boolean;
}

export interface Analysis {
  /** absolute path of the root file of this context (a board .dts, or a lone file) */
  root: string;
  /** whose Devicetree this is: decides include roots, overlay stacking, dialect and check wording */
  flavour: Flavour;
  /** why that flavour, for the user */
  flavourReason: string;
  /** the source tree (Linux, U-Boot) or ZEPHYR_BASE the flavour was found in */
  flavourRoot?: string;
  /** what the bindings stage needs to find the tree's bindings */
  bindingsInfo: TreeInfo;
  /** the files that make the tree and how they stack */
  stack: AnalysisStack;
  pp: PreprocessResult;
  ast: DtsFile;
  tree: LiveTree;
  graph: SupplierGraph;
  model: IommuModel;
  /** include paths used (configured + detected) */
  includePaths: string[];
  /** all diagnostics of this context, severity settings applied, positions in the user's files */
  diagnostics: Diagnostic[];
  /** text of a file as the analysis saw it (editor buffer or disk) */
  fileText(file: string): string | undefined;
  /** the file system the analysis read through (editor features list include directories with it) */
  fs?: FileSystem;
  /**
   * Per file the analysis read: the version of the open document it read (see OverlayFileSystem), or null
   * when it read the disk. Recorded at the moment of the read.
   */
  readVersions?: ReadonlyMap<string, number | null>;
  lineIndex(file: string): LineIndex | undefined;
  /** the kernel configuration and command line the predictions assume */
  kernel: KernelEnvironment;
  /** the probe report under that kernel (computed on first use) */
  probe(): ProbeReport;
  /**
   * A keystroke's parse leaves what follows the edit in the AST to be moved (syntax/reparse.ts settleMoves);
   * analyze() moves it before it returns, analyzeSteps leaves it to its caller: the language server publishes
   * the diagnostics first (nothing before that reads the AST). Once; then nothing to do.
   */
  settle(): void;
  /**
   * The tree as it is, its spans possibly lagging the text by a white-space keystroke whose move settle() makes
   * (tree/incremental.ts settleTree): for the language server's work between the analysis and its diagnostics
   * going out, which reads names and values, and positions only through spanNow. Absent: `tree` (always settled).
   */
  unsettledTree?: LiveTree;
  /** A span of unsettledTree, held by `node`, where it lies in the analysed text (a new object). */
  spanNow?(s: { start: number; end: number }, node: TreeNode): { start: number; end: number };
}
