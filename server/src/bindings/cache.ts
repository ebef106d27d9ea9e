// The on-disk cache of processed bindings, as the core sees it (the CLI and the server pass a folder-backed
// implementation; tests pass a memory one or none).
export interface BindingsCache {
  read(name: string): string | undefined;
  write(name: string, text: string): void;
}

export class MemoryBindingsCache implements BindingsCache {
  readonly entries = new Map<string, string>();
  read(name: string): string | undefined {
    return this.entries.get(name);
  }
  write(name: string, text: string): void {
    this.entries.set(name, text);
  }
}
