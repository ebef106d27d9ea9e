// Interface of the preprocess stage: text of a root file (and everything it
// includes) -> one expanded output text + a source map back to the user's files.
import type { Diagnostic, FileRange } from '../base/diagnostics';
import type { FileSystem } from '../base/fs';
import type { EditedText } from '../base/text';

export interface PreprocessOptions {
  fs: FileSystem;
  /** Directories searched for #include <...>, and for "..." after the including file's directory. */
  includePaths: string[];
  /**
   * System include directories (cpp's -isystem), searched after includePaths. A file found there (or beside
   * such a file) is a system header: cpp reports no macro redefinition in it. Zephyr gives every include root
   * this way.
   */
  systemIncludePaths?: string[];
  /**
   * Files preprocessed after the root file in the same run, as cpp's `-include` does (macros carry over):
   * a Zephyr board's overlays. The root and these files are the stack; each is searched from its own folder.
   */
  stack?: string[];
  /** Predefined macros, e.g. { __DTS__: '1' } (added by default) plus --define NAME[=VAL]. */
  defines?: Record<string, string>;
  /** Cache shared across runs (include files by content + macro environment). */
  cache?: PreprocessCache;
  /** Cooperative cancellation: checked periodically; when it returns true, preprocessing stops with a 'resource-limit' diagnostic. */
  isCancelled?: () => boolean;
}

/** Opaque cache object owned by the preprocessor module; one per workspace/CLI run. */
export interface PreprocessCache {
  readonly kind: 'preprocess-cache';
}

export interface MacroDefinition {
  name: string;
  /** undefined for object-like macros */
  params?: string[];
  variadic?: boolean;
  /** replacement text as written (normalised whitespace) */
  body: string;
  /** where it was defined; undefined for predefined / command-line macros */
  location?: FileRange;
}

/** A macro invocation written in a source file (outermost invocations only). */
export interface MacroUse {
  name: string;
  /** the invocation range in the file that wrote it: name through closing paren */
  range: FileRange;
  /** the text the whole invocation expanded to */
  expansion: string;
  definition?: MacroDefinition;
}

export interface IncludeDirective {
  /** file that holds the directive */
  file: string;
  /** range of the file name (between the quotes / angle brackets) in that file */
  range: FileRange;
  /** the file name as written */
  spelled: string;
  kind: 'quote' | 'angle' | 'dtc';
  /** resolved absolute path, undefined when not found */
  resolved?: string;
}

export interface SourceLocation {
  file: string;
  offset: number;
}

/**
 * Output offset <-> source location. Output text is a concatenation of
 * segments: verbatim copies of a source file's text, and macro expansions.
 */
export interface SourceMap {
  /** Where output offset o came from. For macro output: the start of the outermost invocation in a written file. */
  locate(o: number): SourceLocation;
  /**
   * The user-visible range for output [start, end). Both ends are mapped; an end inside a
   * macro expansion maps to the end of the invocation. When start and end land in different
   * files (a node opened in one file and closed in another), the range is clipped to start's file.
   */
  toFileRange(start: number, end: number): FileRange;
  /** Output offsets produced from (file, offset) (several when a file is included twice); [] when that text is not in the output. */
  fromFile(file: string, offset: number): number[];
  /** The macro invocation that produced output offset o, if any (outermost). */
  macroAt(o: number): MacroUse | undefined;
  /**
   * The output ranges that came from `file` (its text, and macros and arguments written in it), ascending,
   * as start/end pairs; every output offset whose `locate` is in `file` lies in one of them (features that
   * work on one file skip the rest of the output).
   */
  outputRanges?(file: string): number[];
}

export interface PreprocessResult {
  /** The root file (absolute path). */
  root: string;
  /** Expanded text: directives, comments and inactive branches removed; macros expanded; includes inlined. */
  text: string;
  map: SourceMap;
  diagnostics: Diagnostic[];
  includes: IncludeDirective[];
  /** Every file read (root first), for the reverse include index and cache invalidation. */
  files: string[];
  /** Macros defined at the end of preprocessing. */
  macros: Map<string, MacroDefinition>;
  macroUses: MacroUse[];
  /** Ranges of inactive #if branches per file (for greying out in editors). */
  inactiveRanges: FileRange[];
  /** A keystroke's result made from the last one (preprocess/incremental.ts): the file edited and its new text's view. */
  edited?: { file: string; view: EditedText };
}
