// dtc's statement order of a complete input (headers, memreserves, nodes).
import type { SyntaxErrorInfo, TopStatement } from './ast';

/** Top-level statements that a keystroke's parse left where they were, and the distance they will move (reparse.ts). */
export interface PendingShift { statements: Set<TopStatement>; d: number }

/**
 * dtc's file structure: headers (/dts-v1/; optionally followed by /plugin/;),
 * then /memreserve/s, then the device tree (which starts with '/ {' or '&ref {').
 */
export function checkStatementOrder(statements: TopStatement[], errors: SyntaxErrorInfo[], textLength: number, complete: boolean, pending?: PendingShift): void {
  // (a statement a keystroke's parse has not moved yet is reported where it will be: reparse.ts)
  const at = (s: TopStatement): { start: number; end: number } => {
    const d = pending && pending.statements.has(s) ? pending.d : 0;
    return { start: s.start + d, end: s.end + d };
  };
  let phase = 0; // 0 headers, 1 memreserves, 2 tree
  let sawVersion = false;
  let headerFlags: number | undefined; // 1 = v1, 2 = plugin
  let current = 0;
  let prevKind = '';
  const extra: SyntaxErrorInfo[] = [];
  const finishHeader = (s: TopStatement | undefined): void => {
    if (current === 0) return;
    if (headerFlags === undefined) headerFlags = current;
    else if (headerFlags !== current && s) extra.push({ ...at(s), message: "Header flags don't match earlier ones" });
    current = 0;
  };
  let lastVersion: TopStatement | undefined;
  for (let sIndex = 0, sList = statements; sIndex < sList.length; sIndex++) {
    const s = sList[sIndex];
    switch (s.kind) {
      case 'error':
        break;
      case 'version':
        finishHeader(lastVersion);
        if (phase > 0) extra.push({ ...at(s), message: "'/dts-v1/;' must come before '/memreserve/' and nodes" });
        sawVersion = true;
        current = 1;
        lastVersion = s;
        break;
      case 'plugin':
        if (prevKind !== 'version' || phase > 0) {
          extra.push({ ...at(s), message: "'/plugin/;' must directly follow '/dts-v1/;'" });
        } else {
          current |= 2;
          lastVersion = s;
        }
        break;
      case 'memreserve':
        finishHeader(lastVersion);
        if (complete && !sawVersion && phase === 0) extra.push({ start: at(s).start, end: at(s).start, message: "missing '/dts-v1/;' at the start of the file" });
        sawVersion = true;
        if (phase > 1) extra.push({ ...at(s), message: "'/memreserve/' must come before nodes" });
        else phase = 1;
        break;
      default:
        finishHeader(lastVersion);
        if (phase < 2) {
          if (complete && !sawVersion) extra.push({ start: at(s).start, end: at(s).start, message: "missing '/dts-v1/;' at the start of the file" });
          sawVersion = true;
          if (s.kind === 'deleteNodeRef' || s.kind === 'omitIfNoRef') {
            extra.push({ ...at(s), message: `'${s.kind === 'deleteNodeRef' ? '/delete-node/' : '/omit-if-no-ref/'}' needs a node defined before it` });
          }
          phase = 2;
        }
    }
    if (s.kind !== 'error') prevKind = s.kind;
  }
  finishHeader(lastVersion);
  if (complete && phase < 2 && !statements.some((s) => s.kind === 'error')) {
    extra.push({ start: textLength, end: textLength, message: "no root node: expected '/ { ... };'" });
  }
  if (extra.length) {
    for (const e of extra) errors.push(e);
    errors.sort((a, b) => a.start - b.start);
  }
}
