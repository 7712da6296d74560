// Runs in: renderer (DOM). localStorage/sessionStorage that never throws (private modes, quotas);
// also safe in node tests, where there is no storage at all (reads null, writes nothing).

/** The part of the Web Storage API used here (typed without the DOM library, for node tests). */
interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function storageArea(area: 'local' | 'session'): KeyValueStorage {
  // Throws when storage is disabled or absent; every caller catches.
  const storage = (globalThis as unknown as Record<string, KeyValueStorage | undefined>)[`${area}Storage`];
  if (storage === undefined) throw new Error(`no ${area}Storage`);
  return storage;
}

export function readStored(key: string, area: 'local' | 'session' = 'local'): string | null {
  try {
    return storageArea(area).getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null, area: 'local' | 'session' = 'local'): void {
  try {
    const storage = storageArea(area);
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // kept in memory only
  }
}
