// Runs in: renderer (DOM). localStorage/sessionStorage that never throws (private modes, quotas).
export function readStored(key: string, area: 'local' | 'session' = 'local'): string | null {
  try {
    return (area === 'local' ? localStorage : sessionStorage).getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null, area: 'local' | 'session' = 'local'): void {
  try {
    const storage = area === 'local' ? localStorage : sessionStorage;
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // kept in memory only
  }
}
