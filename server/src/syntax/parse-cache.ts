// The memo of parsed statements and body items, keyed by their text, bounded by size; it also keeps each
// recent owner's last parse (see reparse.ts).
import type { NodeItem, SyntaxErrorInfo, TopStatement, DtsFile } from './ast';
import { detach } from '../base/text';
import { shiftError, shiftItem, shiftStatement } from './shift';
import { ITEM_KEY_CODE } from './items';

export interface ChunkResult {
  statements: TopStatement[];
  errors: SyntaxErrorInfo[];
}

/** Owners whose last parse (and the keys it used) the cache keeps. */
const MAX_OWNERS = 16;

/** What the next parse of an owner can start from (see reparseEdit). */
export interface LastParse {
  text: string;
  file: DtsFile;
  complete: boolean;
}

interface CacheEntry extends ChunkResult {
  /** offset the stored statements are positioned at */
  base: number;
  /** generation of the last parse that used the entry */
  gen: number;
  /** the key it is stored under (a copy of the text; a lookup's key is a view of a newer text) */
  key: string;
  /** the owner whose parse made or moved the stored objects */
  owner: string | undefined;
  /** another owner's parse took them as they are (at the same offset): they are never moved in place */
  shared: boolean;
}

/** Memo of parsed top-level statements, keyed by their text. One per workspace / CLI run. */
export class ParseCache {
  /** statements / items parsed and reused */
  readonly stats = { parsed: 0, reused: 0 };
  /** parses made by editing the owner's last one (reparseEdit) */
  edits = 0;
  private readonly entries = new Map<string, CacheEntry>();
  private gen = 0;
  /** total length of the keys (the statements' text): the memory of the cache grows with it */
  private chars = 0;
  /** keys used by the last parse of each recent owner (most recent last) */
  private readonly live = new Map<string, Set<string>>();
  private current: Set<string> | undefined;
  private currentOwner: string | undefined;
  /** the last parse of each recent owner: its text and result (see reparseEdit) */
  private readonly lastParses = new Map<string, LastParse>();

  /**
   * maxChars bounds the text (hence the ASTs) kept: every edit of a big statement adds a new entry,
   * so the bound keeps memory flat over long editing sessions; the least recently used go first.
   */
  constructor(private readonly maxEntries = 60000, private readonly maxChars = 1_500_000) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * @internal Broken invariants, for the soak's schedule simulation (scripts/soak/schedule.ts): an entry's first
   * statement (or item) starts at the entry's base. Empty when all hold.
   */
  invariantFailures(): string[] {
    const out: string[] = [];
    for (const [k, e] of this.entries) {
      const first = e.statements[0];
      if (first && first.start !== e.base) {
        out.push(`parse cache: ${k.charCodeAt(0) === 1 ? 'item' : 'statement'} ${JSON.stringify(k.slice(0, 40))} stored at ${e.base} starts at ${first.start} (owner ${e.owner ?? '-'}${e.shared ? ', shared' : ''})`);
      }
    }
    return out;
  }

  /** @internal is this statement text cached? (no side effect) */
  has(text: string): boolean {
    return this.entries.has(text);
  }

  /** @internal has this owner parsed before (its text is being edited, not read once)? */
  knowsOwner(owner: string | undefined): boolean {
    return owner !== undefined && this.live.has(owner);
  }

  /** @internal the last parse of this owner */
  lastParse(owner: string): LastParse | undefined {
    return this.lastParses.get(owner);
  }

  /** @internal */
  setLastParse(owner: string, last: LastParse): void {
    this.lastParses.delete(owner);
    this.lastParses.set(owner, last);
    if (this.lastParses.size > MAX_OWNERS) this.lastParses.delete(this.lastParses.keys().next().value as string);
  }

  /** @internal a parse that edits the owner's last one: it keeps using what that one used (but what it `drop`s) */
  beginEdit(owner: string): number {
    this.currentOwner = owner;
    this.current = this.live.get(owner) ?? new Set();
    return ++this.gen;
  }

  /**
   * Entries by the statement (or item) they hold: an edit of the last parse moves statements without
   * looking them up by their text, and tells the cache (`moved`), so that an entry does not keep a copy of
   * an AST the current parse replaced.
   */
  private readonly byAst = new WeakMap<object, CacheEntry>();

  /** @internal `owner`'s parse moved `was` (an entry's only statement or item) by d: it is now `now` (the same object when moved in place) */
  moved(was: object, now: object, d: number, owner: string): void {
    const e = this.byAst.get(was);
    if (!e || e.statements.length !== 1 || e.statements[0] !== was) return;
    e.base += d;
    // (a statement recovered with errors: they move with it; an edit of spaces beside it keeps them, reparse.ts carriedErrors)
    if (e.errors.length) e.errors = e.errors.map((x) => shiftError(x, d));
    if (now === was) return; // (moved in place: see settleMoves)
    e.statements = [now as TopStatement];
    e.owner = owner;
    e.shared = false;
    this.byAst.set(now, e);
  }

  /** @internal does another owner's parse hold `x` (an entry's statement or item, taken at the same offset)? */
  isShared(x: object): boolean {
    const e = this.byAst.get(x);
    return e !== undefined && e.statements[0] === x && e.shared;
  }

  /**
   * @internal the current parse replaced `was` (its text changed): its entry, if any, goes, even when another owner's
   * last parse used its key. The current parse shares with `was` what it did not parse again, and moves it in place
   * later (reparse.ts settleMoves): an entry kept for that owner would hold it where it no longer is (soak --zephyr
   * seed 5: a SoC .dtsi analysed alone and in its board, a later lookup of the board took a statement whose items a
   * keystroke had moved). That owner's own last parse is not touched; an undo there parses the statement again.
   */
  drop(was: object): void {
    const e = this.byAst.get(was);
    if (!e || e.statements[0] !== was || this.entries.get(e.key) !== e) return;
    this.current?.delete(e.key);
    this.entries.delete(e.key);
    this.chars -= e.key.length;
  }

  /** @internal */
  beginParse(owner?: string): number {
    this.currentOwner = owner;
    this.current = owner === undefined ? undefined : new Set();
    return ++this.gen;
  }

  /** @internal */
  lookup(text: string, base: number, gen: number): ChunkResult | undefined {
    const e = this.entries.get(text);
    if (!e) return undefined;
    if (e.gen !== gen) {
      // most recently used last: eviction walks the map in insertion order
      this.entries.delete(e.key);
      this.entries.set(e.key, e);
    }
    e.gen = gen;
    this.current?.add(e.key);
    this.stats.reused++;
    if (e.base === base) {
      if (e.owner !== this.currentOwner) e.shared = true;
    } else {
      const d = base - e.base;
      // keys of body items (see parseSplit) start with ITEM_KEY: their entries hold one NodeItem
      e.statements = text.charCodeAt(0) === ITEM_KEY_CODE
        ? e.statements.map((s) => shiftItem(s as unknown as NodeItem, d) as unknown as TopStatement)
        : e.statements.map((s) => shiftStatement(s, d));
      e.errors = e.errors.map((x) => shiftError(x, d));
      e.base = base;
      e.owner = this.currentOwner;
      e.shared = false;
      if (e.statements.length === 1) this.byAst.set(e.statements[0], e);
    }
    return e;
  }

  /** @internal */
  store(text: string, base: number, gen: number, r: ChunkResult): void {
    this.stats.parsed++;
    if (!this.entries.has(text)) this.chars += text.length;
    // the key is a copy: a slice would keep the whole text it was cut from alive (see detach)
    const key = detach(text);
    const e: CacheEntry = { statements: r.statements, errors: r.errors, base, gen, key, owner: this.currentOwner, shared: false };
    this.entries.set(key, e);
    if (r.statements.length === 1) this.byAst.set(r.statements[0], e);
    this.current?.add(key);
  }

  /** @internal drop entries not used recently when the cache is over its size */
  endParse(gen: number): void {
    if (this.currentOwner !== undefined && this.current) {
      this.live.delete(this.currentOwner);
      this.live.set(this.currentOwner, this.current);
      if (this.live.size > MAX_OWNERS) this.live.delete(this.live.keys().next().value as string);
    }
    this.current = undefined;
    this.currentOwner = undefined;
    if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) return;
    const isLive = (k: string): boolean => {
      for (const set of this.live.values()) if (set.has(k)) return true;
      return false;
    };
    // least recently used first, down to 2/3 of the bounds; never an entry of this parse
    const maxEntries = Math.floor((this.maxEntries * 2) / 3);
    const maxChars = Math.floor((this.maxChars * 2) / 3);
    for (const [k, e] of this.entries) {
      if (this.entries.size <= maxEntries && this.chars <= maxChars) break;
      if (e.gen >= gen || isLive(k)) continue;
      this.entries.delete(k);
      this.chars -= k.length;
    }
  }

  /**
   * Drop every entry that no recent owner's last parse uses: the old versions of edited statements, kept in case
   * the text comes back (an undo) and otherwise until the size bound evicts them (after a few hundred edits
   * of a SoC .dtsi, ~7 MB of ASTs). The language server calls it when the editor is idle; a parse that needs
   * one of them again parses it. Returns the number of entries dropped.
   */
  trimToLive(): number {
    const sets = [...this.live.values()];
    let dropped = 0;
    for (const [k] of this.entries) {
      let used = false;
      for (let i = 0; i < sets.length && !used; i++) used = sets[i].has(k);
      if (used) continue;
      this.entries.delete(k);
      this.chars -= k.length;
      dropped++;
    }
    return dropped;
  }

  clear(): void {
    this.entries.clear();
    this.live.clear();
    this.lastParses.clear();
    this.chars = 0;
  }
}
