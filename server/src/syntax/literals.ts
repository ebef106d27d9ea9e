// The escapes of string and character literals as dtc reads them (used by the grammar, dts.peggy): the
// decoded text, and the bytes a literal stands for (an escape gives one byte, other characters their UTF-8).

/** value: the decoded text; units: per character, a byte (>= 0) or -1 - a character code (null: no escapes) */
export interface Decoded { value: string; units: number[] | null; badHex: boolean }

function escapeChar(raw: string, i: number, out: number[]): number {
  // raw[i] is the character after a backslash; pushes the byte value, returns the next index
  const c = raw.charCodeAt(i);
  switch (c) {
    case 97: out.push(7); return i + 1;   // a
    case 98: out.push(8); return i + 1;   // b
    case 116: out.push(9); return i + 1;  // t
    case 110: out.push(10); return i + 1; // n
    case 118: out.push(11); return i + 1; // v
    case 102: out.push(12); return i + 1; // f
    case 114: out.push(13); return i + 1; // r
    case 120: { // x: one or two hex digits
      let j = i + 1;
      let v = 0;
      while (j < raw.length && j < i + 3) {
        const h = hexVal(raw.charCodeAt(j));
        if (h < 0) break;
        v = v * 16 + h;
        j++;
      }
      if (j === i + 1) { out.push(-1); return i + 1; }
      out.push(v & 0xff);
      return j;
    }
    default:
      if (c >= 48 && c <= 55) { // octal: up to three digits
        let j = i;
        let v = 0;
        while (j < raw.length && j < i + 3) {
          const d = raw.charCodeAt(j);
          if (d < 48 || d > 55) break;
          v = v * 8 + (d - 48);
          j++;
        }
        out.push(v & 0xff);
        return j;
      }
      out.push(-2 - c); // the character itself (may be non-ASCII)
      return i + 1;
  }
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Decodes the escapes of a string/char literal body. Returns { value, units, badHex }. */
export function decode(raw: string): Decoded {
  if (raw.indexOf('\\') < 0) return { value: raw, units: null, badHex: false };
  const parts: string[] = [];
  const units: number[] = [];
  let badHex = false;
  for (let i = 0; i < raw.length;) {
    const c = raw.charCodeAt(i);
    if (c === 92 && i + 1 < raw.length) {
      const tmp: number[] = [];
      i = escapeChar(raw, i + 1, tmp);
      let v = tmp[0];
      if (v === -1) { badHex = true; v = 0; parts.push('\0'); units.push(0); continue; }
      if (v <= -2) { const ch = String.fromCharCode(-2 - v); parts.push(ch); units.push(-1 - (-2 - v)); continue; }
      parts.push(String.fromCharCode(v));
      units.push(v);
    } else {
      parts.push(raw[i]);
      units.push(-1 - c);
      i++;
    }
  }
  return { value: parts.join(''), units, badHex };
}

/** UTF-8 bytes of a decoded literal body (escapes give single bytes). */
export function literalBytes(raw: string): { bytes: number[]; badHex: boolean } {
  const d = decode(raw);
  const bytes: number[] = [];
  const pushChar = (code: number): void => {
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  };
  if (d.units === null) { for (let i = 0; i < raw.length; i++) pushChar(raw.charCodeAt(i)); }
  else for (const u of d.units) { if (u >= 0) bytes.push(u); else pushChar(-1 - u); }
  return { bytes, badHex: d.badHex };
}
