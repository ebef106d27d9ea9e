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
// --max-semi-space-size=64 was here (a 64 MB young generation, so that scavenges fell between keystrokes rather
// than inside analyses). Measured again in issue 17's seventh pass, with the young collection between keystrokes
// (idle-gc.ts) and value edits that keep the graph and checks: four paired benchmark runs of 800 edits, all-edit
// median / p95 7.0-7.9 / 16.2-28.9 ms with it and 7.0-7.3 / 17.5-20.6 ms without; cold first analyses the same
// within their noise; RSS 0.2 s after the edits 415-575 MB with it and 333-450 MB without. It no longer paid: removed.
//
// --max-semi-space-size=4: the young generation grows to 2 x 4 MB instead of V8's 2 x 16 MB. On the VMs this was
// measured on, every 4 KB page a process touches first costs a page fault of ~11-14 µs (3 ms per MB): sm8550-mtp's
// cold first analysis takes ~11,000 of them in process, and a young generation grown to 2 x 16 MB is up to 8,192
// pages (a smaller one promotes more instead: the balance was measured, not derived). Issue 17's fifteenth pass,
// `--only cold`, paired runs (didOpen -> diagnostics, sm8550-mtp / sc7280): without 249 / 377, 261 / 382, 230 / 308,
// 349 / 479 ms; with 230 / 308, 224 / 317, 224 / 303, 241 / 310 ms (never slower, often by 10-20 %); in process,
// eight interleaved cold runs, sm8550-mtp median 385 -> 353 ms (2 MB: 360; 1 MB made keystrokes slower, more of
// each analysis promoted). Keystrokes at typing pace the same within the noise (section 2, all edits 5.1 / 11.6 and
// 5.3 / 11.4 ms with it, 5.4 / 15.1 and 4.8 / 12.5 ms without), requests while busy not shown either way (section 6, p95
// 108, 124, 172 ms with it, 113, 124, 128 ms without, on a machine where it misses its 100 ms target both ways), and RSS
// while typing lower.
//
// --no-allocation-site-pretenuring: V8 saw the objects of a keystroke's analysis survive the scavenges that
// fell inside it and began allocating them in the old generation directly, where every replaced analysis
// became old garbage: ~3 MB per keystroke, a mark-compact (10-15 ms pause plus incremental steps of up to
// 10 ms) every ~45 keystrokes. Without pretenuring they die young: in-process replays of 800 edits at typing
// pace (4 boards, then a 64 MB young generation), mark-compacts 17-19 -> 7-8, edit median / p95 10.5-11.0 / 21.6-23.2
// -> 9.0-9.3 / 18.2-19.2 ms; through the server the difference is within the runs' noise (p95 26-35 ms either
// way); first analysis of sc7280 in-process not slower (median of 8: 268 -> 241 ms). Measured again in issue 17's
// twelfth pass, without the young collection between keystrokes (removed then): benchmark section 2, 800 edits,
// two rounds, all edits p95 7.3 / 8.2 ms with this flag against 9.1 / 8.8 ms without, the same RSS: kept.
//
// --expose-gc: gives the idle collector (idle-gc.ts) V8's gc(), to compact the heap and return memory to the
// system once the editor is quiet: RSS stays near its level with the boards just opened instead of growing
// with every analysis that is replaced. Started without it, the server works the same and keeps its garbage.
export const SERVER_NODE_OPTIONS: readonly string[] = ['--initial-old-space-size=128', '--max-semi-space-size=4', '--no-allocation-site-pretenuring', '--expose-gc'];

// The environment the server is started with, beside the options: glibc's malloc keeps memory that was
// freed (file buffers of the workspace index, V8's compiler zones, the released bindings worker's thread
// arena) unless told to give it back. A fixed mmap threshold (128 KB: large blocks are mapped and unmapped,
// not carved from an arena that then cannot shrink) and a trim threshold of the same size return it.
// Measured (four boards and their largest .dtsi open, at rest; load 0.6-3): bindings on 174 -> 155 MB,
// off 150-154 -> 147 MB. Other C libraries ignore these variables.
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };
