/**
 * Runs `load` once and shares its result with every caller. A failure is not kept: the next call tries
 * again, so a server that was still starting is picked up once it answers.
 */
export function onceSuccessful<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
