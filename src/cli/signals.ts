/**
 * SIGINT and SIGTERM stop a command that works on jobs gracefully: `stop` lets the documents in progress
 * finish or go back to the queue; `signalled` resolves once it has, `which` says which signal came.
 */
export function stopOnSignals(stop: () => Promise<void>) {
  let resolveSignalled: (value: undefined) => void = () => {};
  const state = {
    which: undefined as NodeJS.Signals | undefined,
    signalled: new Promise<undefined>((resolve) => {
      resolveSignalled = resolve;
    }),
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
  function onSignal(signal: NodeJS.Signals) {
    state.which = signal;
    void stop().then(() => resolveSignalled(undefined));
  }
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return state;
}
