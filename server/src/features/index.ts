// Editor features of the analysis core: Analysis + (file, offset) -> plain data.
// The LSP edge (server/src/lsp/) converts offsets to positions.
export { getHover, type HoverResult } from './hover';
export { getDefinition } from './definition';
export { getReferences, getConsumerLocations, getSupplierLocations } from './references';
export {
  prepareCallHierarchy,
  incomingCalls,
  outgoingCalls,
  type HierarchyItem,
  type IncomingCall,
  type OutgoingCall,
} from './call-hierarchy';
export { getDocumentSymbols, getWorkspaceSymbols, type DocSymbol, type DocSymbolKind, type WorkspaceSymbol } from './symbols';
export { getFoldingRanges, type FoldingRange } from './folding';
export { getSemanticTokens, SEMANTIC_TOKEN_TYPES, SEMANTIC_TOKEN_MODIFIERS, type SemanticToken } from './semantic-tokens';
export { getCompletions, toAnalysedOffset, type CompletionItem, type CompletionKind } from './completion';
export { prepareRename, getRenameEdits, type TextEdit, type PrepareRenameResult } from './rename';
export { getDocumentLinks, type DocumentLink } from './links';
export { getCodeActions, type CodeAction } from './code-actions';
export { getSupplierGraphView, type GraphView, type GraphViewNode, type GraphViewEdge } from './graph-view';
export { locate, type Located } from './locate';
export { getProbeExplanation, type ProbeExplanation } from './probe';

import type { Analysis } from '../analysis';
import { getIndex } from './locate';
/** Build the locator index of an analysis ahead of the first request (e.g. right after publishing diagnostics). */
export function warmFeatureIndex(a: Analysis): void {
  getIndex(a);
}
export { bindingHover } from './binding-hover';
export { bindingCompletions } from './binding-completion';
export { getSignatureHelp, type SignatureHelpResult, type SignatureParameter } from './signature-help';
export { getTypeDefinition } from './type-definition';
export { getConsumerList, getSupplierList, type NavItem, type NavList } from './navigation';
export { getInlayHints, type InlayHint } from './inlay-hints';
export { getConsumerLenses, type ConsumerLens } from './code-lens';
export { getDocumentHighlights, type Highlight } from './highlight';
export { getSelectionRanges } from './selection-range';
