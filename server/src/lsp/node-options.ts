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
// --expose-gc: gives the idle collector (idle-gc.ts) V8's gc(), to compact the heap and return memory to the
// system once the editor is quiet: RSS stays near its level with the boards just opened instead of growing
// with every analysis that is replaced. Started without it, the server works the same and keeps its garbage.
export const SERVER_NODE_OPTIONS: readonly string[] = ['--initial-old-space-size=128', '--expose-gc'];
