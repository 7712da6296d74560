// Runs in: node (vitest). The heartbeat itself, without a database: a keeper stopped while a
// beat is awaiting one renewal renews nothing after it — a dying instance's other leases must
// run out, not be pushed forward by a beat that started before it stopped.
import { expect, it } from 'vitest';
import { LeaseKeeper } from '../../../server/central/lease.js';

it('renews nothing more once stopped, even in the middle of a beat', async () => {
  const keeper = new LeaseKeeper(60_000);
  const renewed: string[] = [];
  let finishFirst: (() => void) | undefined;
  keeper.hold('idempotency key', async () => {
    renewed.push('key');
    await new Promise<void>((resolve) => (finishFirst = resolve));
    return true;
  });
  keeper.hold('payment', async () => {
    renewed.push('payment');
    return true;
  });
  const beat = keeper.beat();
  expect(renewed).toEqual(['key']);
  keeper.stop();
  finishFirst!();
  await beat;
  expect(renewed).toEqual(['key']);
  await keeper.beat();
  expect(renewed).toEqual(['key']);
});

it('renews every held lease on a beat and forgets one that was taken over', async () => {
  const keeper = new LeaseKeeper(60_000);
  let keyRenewals = 0;
  keeper.hold('idempotency key', async () => {
    keyRenewals += 1;
    return false;
  });
  const release = keeper.hold('payment', async () => true);
  expect(keeper.size).toBe(2);
  await keeper.beat();
  expect([keyRenewals, keeper.size]).toEqual([1, 1]);
  await keeper.beat();
  expect(keyRenewals).toBe(1);
  release();
  expect(keeper.size).toBe(0);
  keeper.stop();
});
