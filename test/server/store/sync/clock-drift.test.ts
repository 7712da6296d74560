// Runs in: node (tests). The log's word on the station's clock against central's: once when it
// drifts a minute or more, once when it is back within half a minute, never for every answer.
import { describe, expect, it } from 'vitest';
import { clockDriftLog } from '../../../../server/store/sync/clock-drift.js';

describe('clock drift log', () => {
  it('warns once at a minute off, says when it is mended, and does not flap in between', () => {
    const lines: string[] = [];
    const note = clockDriftLog({ warn: (m) => lines.push(`warn ${m}`), info: (m) => lines.push(`info ${m}`) });
    for (const offset of [400, -12_000, 59_000]) note(offset);
    expect(lines).toEqual([]);
    note(-(3 * 60_000 + 20_000));
    expect(lines).toEqual([
      "warn station clock: 3 min behind central's; central refuses requests more than 5 min off (card payments then go offline): set this PC's time (NTP)",
    ]);
    // Still off, or hovering between the two marks: nothing more.
    for (const offset of [-(4 * 60_000), 45_000, -31_000, 70_000]) note(offset);
    expect(lines).toHaveLength(1);
    note(2_000);
    expect(lines[1]).toBe("info station clock: agrees with central's again (2 s)");
    note(10 * 60_000);
    expect(lines[2]).toMatch(/^warn station clock: 10 min ahead of central's/);
  });
});
