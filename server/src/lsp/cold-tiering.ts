// The optimising compiler (TurboFan) held back while a fresh server analyses its first documents.
//
// A fresh server runs its first analysis (a big board: ~200 ms) in code that runs for the first time; what
// TurboFan would optimise during it is compiled on a background thread that competes for the cores with the
// analysis (two shared cores: the main thread, the bindings worker and the compiler's jobs), and the
// optimised code arrives when that analysis is nearly done. Issue 17, a fresh server's first diagnostics of
// sm8550-mtp (benchmark section 1, median of 7, same runs): 225-241 ms with the optimiser, 157-171 ms without.
// Later analyses (keystrokes) need the optimised code, so it is held back only until the documents opened with
// initialization are analysed and nothing else is pending (at most HOLD_MAX_MS), then switched on again: V8
// reads the flag whenever it decides to optimise a function, so from then on hot code is optimised as usual.
// The bin/dts-check CLI does the same for its whole (one-board) run (bin/dts-check).
// DTS_LSP_OPT_HOLD=0 keeps the optimiser on from the start (measurements); a process started with its own say
// about the optimiser (--no-opt, --jitless, --max-opt=N, ... in its options or NODE_OPTIONS) is left alone.

import * as v8 from 'node:v8';

/** The hold ends after this long whatever happens (ms): a server that opens nothing optimises as usual. */
export const HOLD_MAX_MS = 3000;
const POLL_MS = 25;
/** Options by which the process says itself whether or how far V8 optimises. */
const OWN_SAY = /^--(no-)?(opt|turbofan|maglev|sparkplug|jitless)\b|^--max-opt\b|^--always-opt\b/;

export interface OptimiserHoldOptions {
  /** has the first analysis finished, and is nothing pending? */
  settled: () => boolean;
  maxMs?: number;
}

/** Holds TurboFan back from now until `settled()` (polled) or maxMs; returns what ends it at once. */
export function holdOptimiser(o: OptimiserHoldOptions, env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): { release: () => void; held: () => boolean } {
  const own = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => OWN_SAY.test(a));
  let held = env.DTS_LSP_OPT_HOLD !== '0' && !own;
  const release = (): void => {
    if (!held) return;
    held = false;
    clearInterval(timer);
    v8.setFlagsFromString('--opt');
  };
  if (!held) return { release, held: () => false };
  v8.setFlagsFromString('--no-opt');
  const until = Date.now() + (o.maxMs ?? HOLD_MAX_MS);
  const timer = setInterval(() => {
    let done = Date.now() >= until;
    try {
      done ||= o.settled();
    } catch {
      done = true;
    }
    if (done) release();
  }, POLL_MS);
  timer.unref();
  return { release, held: () => held };
}
