// Runs in: node. One piece of async work at a time per key (an order id): a shopper's retry, a
// staff action and the forwarder never act on the same order at once. Keys free themselves.
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, done);
    void done.then(() => {
      if (this.tails.get(key) === done) this.tails.delete(key);
    });
    return result;
  }

  /** Settles when the work queued for the key so far is over; undefined when there is none. */
  held(key: string): Promise<void> | undefined {
    return this.tails.get(key);
  }
}
