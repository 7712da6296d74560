// Runs in: node. A device's listener list: subscribe returns its own unsubscribe, and an emit
// walks a snapshot, so a listener that unsubscribes (or subscribes) mid-emit changes nothing for
// that emit.
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  /** Calls every listener; with `onError`, a listener that throws is reported and the rest still run. */
  emit(value: T, onError?: (error: unknown) => void): void {
    for (const listener of [...this.set]) {
      if (!onError) {
        listener(value);
        continue;
      }
      try {
        listener(value);
      } catch (error) {
        onError(error);
      }
    }
  }
}
