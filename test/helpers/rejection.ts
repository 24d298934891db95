import type { Test } from 'tap';

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(t: Test, promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  t.fail('expected the call to throw');
  return undefined;
}
