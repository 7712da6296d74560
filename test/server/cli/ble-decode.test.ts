// Runs in: node (vitest). `omnistation ble-decode` as the outside checks run it (CONTRACT.md
// "ble-decode output"): one JSON object on stdout, or exit 2 with one line on stderr.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const IBEACON_MFG = '4c000215e2c56db5dffb48d2b060d0f5a71096e000010002c5';
const IBEACON = { kind: 'ibeacon', uuid: 'e2c56db5-dffb-48d2-b060-d0f5a71096e0', major: 1, minor: 2, txPower: -59 };

function decode(...args: string[]) {
  const result = runCli(['ble-decode', ...args]);
  expect(result.stderr, result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

function refused(...args: string[]) {
  const result = runCli(['ble-decode', ...args]);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('omnistation ble-decode', () => {
  it('decodes an iBeacon from manufacturer data, raw advertising data, or either without a flag', () => {
    expect(decode('--manufacturer', IBEACON_MFG)).toEqual(IBEACON);
    expect(decode('--adv', `0201061aff${IBEACON_MFG}`)).toEqual(IBEACON);
    expect(decode(IBEACON_MFG.toUpperCase())).toEqual(IBEACON);
    expect(decode(`0201061aff${IBEACON_MFG}`)).toEqual(IBEACON);
  });

  it('decodes AltBeacon and every Eddystone frame', () => {
    expect(decode('--adv', '02011a1bff1801beac0000000000000000000000000000000000010001c501')).toEqual({
      kind: 'altbeacon',
      id1: '00000000000000000000000000000000',
      id2: 1,
      id3: 1,
      txPower: -59,
      mfgReserved: 1,
    });
    expect(decode('--service', 'feaa', '10f803676f6f2e676c2f417131387a46')).toEqual({ kind: 'eddystone-url', url: 'https://goo.gl/Aq18zF', txPower: -8 });
    expect(decode('--service', '0000FEAA-0000-1000-8000-00805F9B34FB', '00e78b0ca750095477cb3e770000000000010000')).toEqual({
      kind: 'eddystone-uid',
      namespace: '8b0ca750095477cb3e77',
      instance: '000000000001',
      txPower: -25,
    });
    expect(decode('--service', 'feaa', '200000008000000001000000000a')).toEqual({
      kind: 'eddystone-tlm',
      batteryMv: 0,
      temperatureC: -128,
      advCount: 256,
      uptimeS: 1,
    });
    expect(decode('--adv', '0303aafe0d16aafe30f00123456789abcdef')).toEqual({ kind: 'eddystone-eid', eid: '0123456789abcdef', txPower: -16 });
  }, 60_000);

  it('prints sound non-beacons as other and exits 0', () => {
    expect(decode('--manufacturer', '4c0010050b1c5e2a1f')).toMatchObject({ kind: 'other', companyId: 76, company: 'Apple' });
    expect(decode('0600010920023b1d0ab9c6c24f55e4b5d6ad7f0c8a37c1b3f9cbf0aae9')).toMatchObject({ kind: 'other', companyId: 6 });
    expect(decode('--service', 'feaa', '2001000102030405060708090a0b12341234')).toMatchObject({ kind: 'other', encrypted: true });
  });

  it('refuses malformed input with exit 2 and one line, never a stack trace', () => {
    expect(refused('zz')).toMatch(/hex/);
    expect(refused('abc')).toMatch(/odd/);
    expect(refused('')).toMatch(/hex/);
    expect(refused()).toMatch(/HEX/);
    expect(refused('--frobnicate', IBEACON_MFG)).toMatch(/frobnicate/);
    expect(refused('--manufacturer', '4c000215e2c56db5')).toMatch(/iBeacon/);
    expect(refused('--adv', '0201061aff4c00')).toMatch(/AD structure/);
    expect(refused('--service', 'feaa', '00e78b0c')).toMatch(/Eddystone-UID/);
    expect(refused('--service', 'not-a-uuid', '00')).toMatch(/service UUID/);
    expect(refused('--adv', '--manufacturer', IBEACON_MFG)).toMatch(/one of/);
  }, 60_000);
});
