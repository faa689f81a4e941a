/**
 * Runs task(0..total-1) with at most `concurrency` in flight; a new one starts as soon as one ends.
 * Tasks must not throw (a load test records a failure as a sample); `stopped` ends it early.
 */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total && !stopped()) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, lane));
}
