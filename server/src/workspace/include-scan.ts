// A fast, approximate scan of the include lines of a Devicetree source: enough
// to build the include graph of a workspace without preprocessing anything.
// `#include "x"` / `#include <x>` (at the start of a line) and dtc's `/include/ "x"`.
// Block comments are skipped; conditionals are not evaluated (every branch counts).

export interface ScannedInclude {
  spelled: string;
  kind: 'quote' | 'angle' | 'dtc';
}

/** Upper bound of include lines taken from one file (a bound, not a limit real files reach). */
const MAX_INCLUDES = 4096;

export function scanIncludes(text: string): ScannedInclude[] {
  const out: ScannedInclude[] = [];
  const n = text.length;
  let i = 0;
  let lineStart = true;
  while (i < n && out.length < MAX_INCLUDES) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) { lineStart = true; i++; continue; }
    if (c === 32 || c === 9 || c === 13) { i++; continue; }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) break;
      // a comment spanning lines keeps "line start" only if it started there
      i = end + 2;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (c === 35 /* # */ && lineStart) {
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      if (text.startsWith('include', j)) {
        j += 7;
        while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
        const open = text.charCodeAt(j);
        const close = open === 34 ? 34 : open === 60 ? 62 : -1;
        if (close > 0) {
          let k = j + 1;
          while (k < n && text.charCodeAt(k) !== close && text.charCodeAt(k) !== 10) k++;
          if (text.charCodeAt(k) === close && k > j + 1) {
            out.push({ spelled: text.slice(j + 1, k), kind: open === 34 ? 'quote' : 'angle' });
          }
        }
      }
      lineStart = false;
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
      continue;
    }
    if (c === 47 && text.startsWith('/include/', i)) {
      let j = i + 9;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      if (text.charCodeAt(j) === 34) {
        const k = text.indexOf('"', j + 1);
        const nl = text.indexOf('\n', j + 1);
        if (k > j + 1 && (nl < 0 || k < nl)) out.push({ spelled: text.slice(j + 1, k), kind: 'dtc' });
        i = k > 0 ? k + 1 : n;
        lineStart = false;
        continue;
      }
      i = j;
      lineStart = false;
      continue;
    }
    if (c === 34 /* " */) {
      // skip a string literal so that `"/include/"` inside it is not taken
      let k = i + 1;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === 92) { k += 2; continue; }
        if (d === 34 || d === 10) break;
        k++;
      }
      i = k + 1;
      lineStart = false;
      continue;
    }
    lineStart = false;
    i++;
  }
  return out;
}
