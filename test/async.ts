/** Waiting in tests: on a condition or on a promise the test settles, never a fixed sleep. */

/** A promise with its resolve/reject outside, to hold a test processor until the test lets go. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Polls until the check passes (for cross-process and async outcomes); never a fixed sleep. */
export async function waitFor<T>(check: () => T | undefined | false, what = "condition", timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
