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
// The room it leaves also lets the server scavenge between keystrokes instead (YoungCollector, idle-gc.ts).
//
// --no-allocation-site-pretenuring: V8 saw the objects of a keystroke's analysis survive the scavenges that
// fell inside it and began allocating them in the old generation directly, where every replaced analysis
// became old garbage: ~3 MB per keystroke, a mark-compact (10-15 ms pause plus incremental steps of up to
// 10 ms) every ~45 keystrokes. Without pretenuring they die young: in-process replays of 800 edits at typing
// pace (4 boards, 64 MB young generation), mark-compacts 17-19 -> 7-8, edit median / p95 10.5-11.0 / 21.6-23.2
// -> 9.0-9.3 / 18.2-19.2 ms; through the server the difference is within the runs' noise (p95 26-35 ms either
// way); first analysis of sc7280 in-process not slower (median of 8: 268 -> 241 ms).
//
// --expose-gc: gives the idle collector (idle-gc.ts) V8's gc(), to compact the heap and return memory to the
// system once the editor is quiet: RSS stays near its level with the boards just opened instead of growing
// with every analysis that is replaced. Started without it, the server works the same and keeps its garbage.
export const SERVER_NODE_OPTIONS: readonly string[] = ['--initial-old-space-size=128', '--max-semi-space-size=64', '--no-allocation-site-pretenuring', '--expose-gc'];

// The environment the server is started with, beside the options: glibc's malloc keeps memory that was
// freed (file buffers of the workspace index, V8's compiler zones, the released bindings worker's thread
// arena) unless told to give it back. A fixed mmap threshold (128 KB: large blocks are mapped and unmapped,
// not carved from an arena that then cannot shrink) and a trim threshold of the same size return it.
// Measured (four boards and their largest .dtsi open, at rest; load 0.6-3): bindings on 174 -> 155 MB,
// off 150-154 -> 147 MB. Other C libraries ignore these variables.
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };
