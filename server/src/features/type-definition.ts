// Go to type definition: from a property to where its node's binding declares it, from a node to its
// binding file.
import type { Analysis } from '../analysis';
import type { FileRange } from '../base/diagnostics';
import type { BindingDocs } from '../bindings/docs';
import { locate } from './locate';

export function getTypeDefinition(a: Analysis, docs: BindingDocs | undefined, file: string, offset: number): FileRange[] {
  if (!docs) return [];
  const loc = locate(a, file, offset);
  if (!loc) return [];
  if (loc.property && loc.kind !== 'reference' && loc.kind !== 'label') {
    const d = docs.propertyDoc(loc.property.node, loc.property.name);
    if (d?.location) return [d.location];
    const b = docs.nodeBinding(loc.property.node);
    return b?.location ? [b.location] : [];
  }
  const n = loc.node ?? loc.enclosingNode;
  const b = n ? docs.nodeBinding(n) : undefined;
  return b?.location ? [b.location] : [];
}
