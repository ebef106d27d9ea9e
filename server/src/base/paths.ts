// Pure path helpers (POSIX paths; no I/O).
import * as path from 'node:path';

export function dirname(p: string): string { return path.posix.dirname(p); }
export function join(...parts: string[]): string { return path.posix.join(...parts); }
export function resolve(base: string, p: string): string { return path.posix.resolve(base, p); }
export function basename(p: string): string { return path.posix.basename(p); }
export function normalize(p: string): string { return path.posix.normalize(p); }
