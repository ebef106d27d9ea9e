// Supplier graph: consumer -> supplier edges decoded from the live tree.
import type { Span } from '../syntax/ast';
import type { Cell, TreeNode, TreeProperty } from '../tree/types';

export interface SupplierEdge {
  consumer: TreeNode;
  supplier: TreeNode;
  /** 'property' edges come from a binding (iommus, clocks, ...); 'parent' is the implicit child -> parent-bus edge */
  kind: 'property' | 'parent';
  /** binding name from the supplier-bindings table: 'iommus', 'clocks', 'iommu-map', '*-supply', 'pinctrl-N', ... ('parent' for parent edges) */
  binding: string;
  /** the consumer property that forms the edge (undefined for parent edges) */
  property?: TreeProperty;
  /** index of the specifier within the property (0-based) */
  index: number;
  /** the whole specifier: phandle cell through its last argument cell (property name span for parent edges) */
  span: Span;
  /** the phandle reference cell (or the path/phandle value) */
  refSpan: Span;
  /** argument cells after the phandle (for iommu-map: the 3 non-phandle cells of the row) */
  args: Cell[];
  /** the provider's cells property consulted, e.g. '#iommu-cells' */
  cellsProperty?: string;
  /** fw_devlink treats the binding as optional (iommus, iommu-map, dmas): no device link by default */
  optional: boolean;
  /** post-init-providers (FWLINK_FLAG_IGNORE) and remote-endpoint (graph links, cyclic by design): ignored for cycles */
  ignoreForCycles?: boolean;
  /** the supplier lacks the cells property (fw_devlink reads it as 0 cells; the kernel's own parse fails) */
  missingCells?: boolean;
}

export interface SupplierGraph {
  edges: SupplierEdge[];
  /** edges where node is the consumer (its suppliers), including its parent edge */
  suppliersOf(node: TreeNode): SupplierEdge[];
  /** edges where node is the supplier (its consumers), including parent edges of its children */
  consumersOf(node: TreeNode): SupplierEdge[];
}
