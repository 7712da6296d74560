// Runs in: node. The scan's label memo: a genuine code read twice gives the same answer as the
// full check, refusals are never remembered, and the memo stays within its bound.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labelPath } from '../../../../server/protocol/label.js';
import { LabelReader } from '../../../../server/store/modules/carts/label-reader.js';

const key = randomBytes(32);
const genuine = (sku: string) => `https://station.test${labelPath(key, 'STORE-1', sku)}`;

describe('LabelReader', () => {
  it('reads a genuine label the same the first time and from memory', () => {
    const reader = new LabelReader(key, 'STORE-1');
    const first = reader.read(genuine('MILK-1'));
    expect(first).toEqual({ ok: true, label: { storeId: 'STORE-1', sku: 'MILK-1' } });
    expect(reader.read(genuine('MILK-1'))).toEqual(first);
  });

  it('refuses a forged label every time, also after its genuine twin was read', () => {
    const reader = new LabelReader(key, 'STORE-1');
    const code = genuine('MILK-1');
    const forged = code.replace(/s=(.)/, (_m, c: string) => `s=${c === 'A' ? 'B' : 'A'}`);
    expect(reader.read(code).ok).toBe(true);
    expect(reader.read(forged)).toMatchObject({ ok: false, code: 'label_bad_signature' });
    expect(reader.read(forged)).toMatchObject({ ok: false, code: 'label_bad_signature' });
    expect(reader.read('not a label')).toMatchObject({ ok: false, code: 'label_malformed' });
    expect(new LabelReader(key, 'OTHER-9').read(code)).toMatchObject({ ok: false, code: 'label_other_store' });
  });

  it('keeps reading correctly past its bound', () => {
    const reader = new LabelReader(key, 'STORE-1', 4);
    const skus = Array.from({ length: 10 }, (_, i) => `P-${i}`);
    for (const sku of skus) expect(reader.read(genuine(sku))).toMatchObject({ ok: true, label: { sku } });
    for (const sku of skus) expect(reader.read(genuine(sku))).toMatchObject({ ok: true, label: { sku } });
    expect((reader as unknown as { genuine: Map<string, unknown> }).genuine.size).toBe(4);
  });
});
