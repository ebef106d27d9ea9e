// How the language server's Node process is started. The VS Code client passes these options (execArgv),
// the JSON-RPC tests and the benchmark spawn bin/dts-lsp with them, and README gives them for other editors.
//
// --initial-old-space-size: V8 starts with a small old-generation budget and runs its first full garbage
// collection when ~20 MB survive; opening a big board (50 includes) promotes more than that while it is being
// analysed, so the first analysis paid for a mark-compact (plus incremental marking) of data that is all still
// live. A larger initial budget postpones the first full collection past the first analysis: measured on the
// benchmark boards, first diagnostics 20 % sooner (sc7280 280 -> 230 ms, sm8550 246 -> 188 ms) and the same RSS
// with four boards open (the budget is a threshold, not memory reserved).
//
// --max-semi-space-size=64: a keystroke's analysis leaves 10-12 MB of garbage (the replaced tree, graph and
// diagnostics); with V8's default young generation (16 MB semi-spaces) a scavenge, which copies the new
// analysis' live objects, fell inside most analyses. Up to 64 MB the young generation grows while the user
// types, and scavenges come every few keystrokes. Benchmark, 800 edits at typing pace, paired runs: all edits
// median / p95 15.9 / 31.5 ms -> 11.6-12.3 / 26.5-27.6 ms (32 MB: 13.2 / 29.5); RSS at rest the same (101-105
// MB: the idle collector shrinks the young generation again), RSS while typing about the same (234-249 MB).
//
// --expose-gc: gives the idle collector (idle-gc.ts) V8's gc(), to compact the heap and return memory to the
// system once the editor is quiet: RSS stays near its level with the boards just opened instead of growing
// with every analysis that is replaced. Started without it, the server works the same and keeps its garbage.
export const SERVER_NODE_OPTIONS: readonly string[] = ['--initial-old-space-size=128', '--max-semi-space-size=64', '--expose-gc'];
