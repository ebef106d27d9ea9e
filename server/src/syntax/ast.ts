// AST of Devicetree source (dtc 1.8.1 syntax). All offsets are offsets in the
// *preprocessed* text (PreprocessResult.text); SourceMap maps them to files.
// Every node has [start, end). Produced by dts.peggy; consumed by tree/ (merge)
// and by editor features.
import type { TextReader } from '../base/text';

export interface Span {
  start: number;
  end: number;
}

export interface Label extends Span {
  kind: 'label';
  /** name without the trailing ':' */
  name: string;
}

/** &name, &{/path}, &{label/sub/path} */
export type Reference =
  | (Span & { kind: 'labelRef'; name: string })
  | (Span & { kind: 'pathRef'; path: string });

// ---- integer expressions --------------------------------------------------
export type UnaryOp = '-' | '~' | '!';
export type BinaryOp =
  | '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '<' | '>' | '<=' | '>='
  | '==' | '!=' | '&' | '^' | '|' | '&&' | '||';

export type Expr =
  /** integer literal; value already decoded (decimal, 0x, 0 octal, 0b?, U/L suffixes) */
  | (Span & { kind: 'number'; value: bigint; text: string })
  /** 'a', '\n', '\x12', '\012' */
  | (Span & { kind: 'char'; value: bigint; text: string })
  | (Span & { kind: 'unary'; op: UnaryOp; operand: Expr })
  | (Span & { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr })
  | (Span & { kind: 'conditional'; test: Expr; consequent: Expr; alternate: Expr })
  /** an expression parenthesised in the source: ( expr ) */
  | (Span & { kind: 'paren'; expr: Expr });

// ---- property values --------------------------------------------------------
/** One element inside < >: an integer expression, a phandle reference, or a label. */
export type CellItem =
  | (Span & { kind: 'expr'; expr: Expr })
  | (Span & { kind: 'ref'; ref: Reference })
  | Label;

/** One element inside [ ]: a byte or a label. */
export type ByteItem = (Span & { kind: 'byte'; value: number }) | Label;

export type ValueComponent =
  /** "..." with escapes decoded into `value`; `raw` is the text between the quotes */
  | (Span & { kind: 'string'; value: string; raw: string })
  /** /bits/ N < ... >; bits defaults to 32; bitsSpan covers "/bits/ N" when present */
  | (Span & { kind: 'cells'; bits: number; bitsSpan?: Span; items: CellItem[] })
  | (Span & { kind: 'bytes'; items: ByteItem[] })
  /** a bare reference outside < >: expands to the path string of the target */
  | (Span & { kind: 'pathValue'; ref: Reference })
  /** /incbin/("file") or /incbin/("file", offset, length) */
  | (Span & { kind: 'incbin'; path: string; pathSpan: Span; offset?: Expr; length?: Expr });

export interface PropertyValuePart extends Span {
  /** labels written before the component (after the '=' or ',') */
  labelsBefore: Label[];
  component: ValueComponent;
  /** labels written after the component (before ',' or ';') */
  labelsAfter: Label[];
}

// ---- statements -----------------------------------------------------------
export interface PropertyDef extends Span {
  kind: 'property';
  labels: Label[];
  name: string;
  nameSpan: Span;
  /** undefined for an empty (boolean) property: `name;` */
  value?: PropertyValuePart[];
}

export interface DeletePropertyDef extends Span {
  kind: 'deleteProperty';
  name: string;
  nameSpan: Span;
}

export interface DeleteNodeDef extends Span {
  kind: 'deleteNode';
  /** name of a child node (inside a node body) */
  name?: string;
  nameSpan?: Span;
  /** a reference (top-level form: /delete-node/ &label;) */
  ref?: Reference;
}

export interface NodeDef extends Span {
  kind: 'node';
  labels: Label[];
  /** '/omit-if-no-ref/' written before the node */
  omitIfNoRef: boolean;
  name: string;
  nameSpan: Span;
  body: NodeBody;
}

export interface NodeBody extends Span {
  /** in source order (properties, deletes and child nodes) */
  items: NodeItem[];
  /** offset of the closing '}' when present (-1 if missing due to an error) */
  closeBrace: number;
}

export type NodeItem = PropertyDef | DeletePropertyDef | DeleteNodeDef | NodeDef | ErrorItem;

/** Text the parser skipped while recovering from a syntax error. */
export interface ErrorItem extends Span {
  kind: 'error';
  message: string;
}

export interface VersionStatement extends Span { kind: 'version' }
export interface PluginStatement extends Span { kind: 'plugin' }
export interface MemreserveStatement extends Span {
  kind: 'memreserve';
  labels: Label[];
  address: Expr;
  size: Expr;
}
/** `/ { ... };` */
export interface RootNodeStatement extends Span {
  kind: 'rootNode';
  labels: Label[];
  body: NodeBody;
}
/** `label: &ref { ... };` or `&{/path} { ... };` */
export interface RefNodeStatement extends Span {
  kind: 'refNode';
  labels: Label[];
  ref: Reference;
  body: NodeBody;
}
/** `/delete-node/ &ref;` at top level */
export interface DeleteNodeStatement extends Span {
  kind: 'deleteNodeRef';
  ref: Reference;
}
/** `/omit-if-no-ref/ &ref;` at top level */
export interface OmitIfNoRefStatement extends Span {
  kind: 'omitIfNoRef';
  ref: Reference;
}

export type TopStatement =
  | VersionStatement
  | PluginStatement
  | MemreserveStatement
  | RootNodeStatement
  | RefNodeStatement
  | DeleteNodeStatement
  | OmitIfNoRefStatement
  | ErrorItem;

export interface SyntaxErrorInfo extends Span {
  message: string;
  /** diagnostic code when not 'syntax-error' (e.g. 'resource-limit' when the parser ran out of stack) */
  code?: 'resource-limit' | 'properties-after-subnodes';
}

export interface DtsFile {
  statements: TopStatement[];
  errors: SyntaxErrorInfo[];
  /** set when this parse was made from the owner's last one (syntax/reparse.ts); read by the incremental merge */
  edit?: ParseEdit;
}

/**
 * How a parse was made from the owner's last parse: the old text's [p, oldEnd) became [p, oldEnd + d) of the
 * new one; items before are the last parse's objects, items after moved by d. `replaced`: the one item (or
 * statement) parsed again and where it sits (`containers`: `/` or `&ref` of its statement, then the names of
 * the nodes inside it, outermost first); absent when the edit was white space between items.
 */
export interface ParseEdit {
  base: WeakRef<DtsFile>;
  p: number;
  oldEnd: number;
  d: number;
  replaced?: { old: NodeItem | TopStatement; now: NodeItem | TopStatement; containers: string[] };
  /** a top-level statement was parsed again with error recovery and gave other than one statement: the merge cannot patch it (inside a node, the node is `replaced`) */
  reparsed?: true;
  /** the new text's reads around the edit (its view, base/text.ts EditedText: reading the text itself flattens it) */
  reader?: TextReader;
}
