// Runs in: node (vitest). UUIDv7 ids for sync events and payments.
import { describe, expect, it } from 'vitest';
import { isUuidV7, uuidv7, uuidv7Time } from '../../../server/protocol/uuidv7.js';

describe('uuidv7', () => {
  it('has the RFC 9562 layout and carries its time', () => {
    const at = Date.UTC(2026, 10, 25, 9, 30);
    const id = uuidv7(at);
    expect(isUuidV7(id)).toBe(true);
    expect(uuidv7Time(id)).toBe(at);
    expect(isUuidV7('0190a5b2-1c3d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(false);
  });

  it('sorts in creation order even within one millisecond or when the clock steps back', () => {
    const at = Date.now();
    const ids = [uuidv7(at), uuidv7(at), uuidv7(at), uuidv7(at - 5000), uuidv7(at + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 10_000 }, () => uuidv7())).size).toBe(10_000);
  });
});
