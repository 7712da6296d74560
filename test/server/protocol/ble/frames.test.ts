// Runs in: node (vitest). Published examples of every frame kind through all three entry points,
// and the non-beacons a shop is full of (Apple continuity, Microsoft CDP) staying `other`.
import { describe, expect, it } from 'vitest';
import {
  decodeAdvert,
  decodeAdvertisingData,
  decodeManufacturerData,
  decodeServiceData,
  ibeaconCodeFor,
  ibeaconFromManufacturerData,
  parseUuid,
} from '../../../../server/protocol/ble/index.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));

// Apple's AirLocate sample UUID, measured power -59 dBm (0xc5), as in Apple's iBeacon examples.
const AIRLOCATE = 'e2c56db5-dffb-48d2-b060-d0f5a71096e0';
const IBEACON_MFG = hex('4c00 0215 e2c56db5dffb48d2b060d0f5a71096e0 0001 0002 c5');
const IBEACON_ADV = hex('020106 1aff 4c00 0215 e2c56db5dffb48d2b060d0f5a71096e0 0001 0002 c5');
// RadiusNetworks/altbeacon-reference altbeacon_transmit: flags 1a, company 0x0118, id1 all zero,
// id2 1, id3 1, reference RSSI -59, manufacturer reserved 01.
const ALTBEACON_ADV = hex('02011a 1bff 1801 beac 00000000000000000000000000000000 0001 0001 c5 01');
// The Eddystone-URL README's example URL https://goo.gl/Aq18zF with scheme 0x03 and Tx power -8 dBm.
const EDDYSTONE_URL = hex('10 f8 03 676f6f2e676c2f417131387a46');

describe('iBeacon', () => {
  const expected = { kind: 'ibeacon', uuid: AIRLOCATE, major: 1, minor: 2, txPower: -59 };

  it('decodes manufacturer data, raw advertising data and a BleAdvert alike', () => {
    expect(decodeManufacturerData(IBEACON_MFG)).toEqual(expected);
    expect(decodeAdvertisingData(IBEACON_ADV)).toEqual(expected);
    expect(decodeAdvert({ manufacturerData: IBEACON_MFG })).toEqual(expected);
    expect(decodeAdvert({ raw: IBEACON_ADV })).toEqual(expected);
  });

  it('reads signed measured power and big-endian major/minor', () => {
    const frame = decodeManufacturerData(hex('4c000215 2f234454cf6d4a0fadf2f4911ba9ffa6 fffe 8001 7f'));
    expect(frame).toEqual({ kind: 'ibeacon', uuid: '2f234454-cf6d-4a0f-adf2-f4911ba9ffa6', major: 0xfffe, minor: 0x8001, txPower: 127 });
    expect(decodeManufacturerData(hex('4c000215 2f234454cf6d4a0fadf2f4911ba9ffa6 0000 0000 80'))).toMatchObject({ txPower: -128 });
  });

  it('has a fast path that reads in place and matches the store UUID without allocating strings', () => {
    const view = ibeaconFromManufacturerData(IBEACON_MFG)!;
    expect(view).toMatchObject({ major: 1, minor: 2, txPower: -59, uuid: AIRLOCATE, code: 0x00010002 });
    expect(view.uuidBytes.buffer).toBe(IBEACON_MFG.buffer);
    expect(ibeaconCodeFor(IBEACON_MFG, parseUuid(AIRLOCATE)!)).toBe(0x00010002);
    expect(ibeaconCodeFor(IBEACON_MFG, parseUuid('2f234454-cf6d-4a0f-adf2-f4911ba9ffa6')!)).toBe(-1);
    const high = hex('4c000215 e2c56db5dffb48d2b060d0f5a71096e0 ffff ffff c5');
    expect(ibeaconCodeFor(high, parseUuid(AIRLOCATE)!)).toBe(0xffffffff);
    for (const bad of [IBEACON_MFG.subarray(0, 24), hex('4c000216'), hex('4c001005'), new Uint8Array(0)]) {
      expect(ibeaconFromManufacturerData(bad)).toBeNull();
      expect(ibeaconCodeFor(bad, parseUuid(AIRLOCATE)!)).toBe(-1);
    }
  });

  it('reports a truncated iBeacon as malformed, not as a beacon', () => {
    expect(decodeManufacturerData(IBEACON_MFG.subarray(0, 20))).toMatchObject({ kind: 'other', malformed: true, companyId: 0x4c });
    expect(decodeManufacturerData(hex('4c000214 e2c56db5dffb48d2b060d0f5a71096e0 0001 0002'))).toMatchObject({ kind: 'other', malformed: true });
  });
});

describe('AltBeacon', () => {
  it('decodes the reference transmitter advertisement', () => {
    const expected = { kind: 'altbeacon', id1: '00000000000000000000000000000000', id2: 1, id3: 1, txPower: -59, mfgReserved: 1 };
    expect(decodeAdvertisingData(ALTBEACON_ADV)).toEqual(expected);
    expect(decodeManufacturerData(ALTBEACON_ADV.subarray(5))).toEqual(expected);
  });

  it('takes any company id and keeps id1 as lower-case hex', () => {
    const frame = decodeManufacturerData(hex('5900 beac 2F234454CF6D4A0FADF2F4911BA9FFA6 0102 0304 b5 ff'));
    expect(frame).toEqual({ kind: 'altbeacon', id1: '2f234454cf6d4a0fadf2f4911ba9ffa6', id2: 0x0102, id3: 0x0304, txPower: -75, mfgReserved: 255 });
  });

  it('reports a truncated AltBeacon as malformed', () => {
    expect(decodeManufacturerData(hex('1801beac 0000'))).toMatchObject({ kind: 'other', malformed: true, companyId: 0x0118 });
  });
});

describe('Eddystone', () => {
  it('decodes the URL example in all spellings of the service UUID', () => {
    const expected = { kind: 'eddystone-url', url: 'https://goo.gl/Aq18zF', txPower: -8 };
    for (const uuid of ['feaa', 'FEAA', '0xfeaa', '0000feaa-0000-1000-8000-00805f9b34fb', '0000FEAA00001000800000805F9B34FB']) {
      expect(decodeServiceData(uuid, EDDYSTONE_URL)).toEqual(expected);
    }
    const adv = hex(`020106 0303aafe 1316aafe ${Buffer.from(EDDYSTONE_URL).toString('hex')}`);
    expect(decodeAdvertisingData(adv)).toEqual(expected);
    expect(decodeAdvert({ serviceData: [{ uuid: 'feaa', data: EDDYSTONE_URL }] })).toEqual(expected);
  });

  it('expands URL scheme prefixes and expansion codes', () => {
    const url = (body: string) => decodeServiceData('feaa', hex(`10 00 ${body}`));
    expect(url('00 676f6f676c65 07')).toMatchObject({ url: 'http://www.google.com', txPower: 0 });
    expect(url('01 6578616d706c65 00 61')).toMatchObject({ url: 'https://www.example.com/a' });
    expect(url('02 77 01 78 08')).toMatchObject({ url: 'http://w.org/x.org' });
    expect(url('03 61 02 62 03 63 04 64 05 65 06 66 09 0a 0b 0c 0d')).toMatchObject({
      url: 'https://a.edu/b.net/c.info/d.biz/e.gov/f.edu.net.info.biz.gov',
    });
    expect(url('03')).toMatchObject({ kind: 'eddystone-url', url: 'https://' });
    expect(url('04 61')).toMatchObject({ kind: 'other', malformed: true });
    expect(url('03 61 0e')).toMatchObject({ kind: 'other', malformed: true });
    expect(url('03 61 20')).toMatchObject({ kind: 'other', malformed: true });
    expect(url('03 61 7f')).toMatchObject({ kind: 'other', malformed: true });
  });

  it('decodes UID frames with and without the RFU bytes', () => {
    // Namespace: the spec's elided-UUID example 8b0ca750095477cb3e77.
    const uid = hex('00 e7 8b0ca750095477cb3e77 000000000001 0000');
    const expected = { kind: 'eddystone-uid', namespace: '8b0ca750095477cb3e77', instance: '000000000001', txPower: -25 };
    expect(decodeServiceData('feaa', uid)).toEqual(expected);
    expect(decodeServiceData('feaa', uid.subarray(0, 18))).toEqual(expected);
    expect(decodeServiceData('feaa', uid.subarray(0, 17))).toMatchObject({ kind: 'other', malformed: true });
  });

  it('decodes plain TLM: 8.8 temperature, battery 0 and 0x8000 as sent, uptime in seconds', () => {
    const tlm = decodeServiceData('feaa', hex('20 00 0bb8 1880 00000100 00000e11'));
    expect(tlm).toEqual({ kind: 'eddystone-tlm', batteryMv: 3000, temperatureC: 24.5, advCount: 256, uptimeS: 360.1 });
    const unsupported = decodeServiceData('feaa', hex('20 00 0000 8000 ffffffff 00000000'));
    expect(unsupported).toEqual({ kind: 'eddystone-tlm', batteryMv: 0, temperatureC: -128, advCount: 0xffffffff, uptimeS: 0 });
    expect(decodeServiceData('feaa', hex('20 00 0000 ff80 00000000 00000000'))).toMatchObject({ temperatureC: -0.5 });
    expect(decodeServiceData('feaa', hex('20 00 0bb8 1880 0000'))).toMatchObject({ kind: 'other', malformed: true });
  });

  it('keeps encrypted TLM opaque: other, flagged encrypted', () => {
    const etlm = decodeServiceData('feaa', hex('20 01 000102030405060708090a0b 1234 abcd'));
    expect(etlm).toMatchObject({ kind: 'other', encrypted: true, serviceUuid: 'feaa' });
    expect(etlm).not.toHaveProperty('malformed');
    expect(decodeServiceData('feaa', hex('20 01 0001'))).toMatchObject({ kind: 'other', malformed: true });
    expect(decodeServiceData('feaa', hex('20 07 0001'))).toMatchObject({ kind: 'other' });
  });

  it('decodes EID frames', () => {
    expect(decodeServiceData('feaa', hex('30 f0 0123456789abcdef'))).toEqual({ kind: 'eddystone-eid', eid: '0123456789abcdef', txPower: -16 });
    expect(decodeServiceData('feaa', hex('30 f0 01234567'))).toMatchObject({ kind: 'other', malformed: true });
  });

  it('treats unknown frame types, empty data and other services as other', () => {
    expect(decodeServiceData('feaa', hex('40 00 01'))).toMatchObject({ kind: 'other', messageType: 0x40 });
    expect(decodeServiceData('feaa', new Uint8Array(0))).toMatchObject({ kind: 'other', malformed: true });
    expect(decodeServiceData('fd6f', hex('0102030405060708090a0b0c0d0e0f10 11223344'))).toEqual({
      kind: 'other',
      reason: expect.stringContaining('Exposure Notification'),
      serviceUuid: 'fd6f',
    });
    expect(decodeServiceData('not-a-uuid', hex('00'))).toMatchObject({ kind: 'other', malformed: true });
  });

  it('finds 128-bit service data (0x21) on the base UUID as Eddystone', () => {
    const uuidLe = Buffer.from('0000feaa00001000800000805f9b34fb', 'hex').reverse().toString('hex');
    // Length 0x1b: the type byte, the 16-byte UUID and the 10-byte EID frame.
    const adv = hex(`1b21 ${uuidLe} 30 f0 0123456789abcdef`);
    expect(decodeAdvertisingData(adv)).toEqual({ kind: 'eddystone-eid', eid: '0123456789abcdef', txPower: -16 });
  });
});

describe('non-beacons', () => {
  it('keeps Apple continuity messages other, with the company and the message type', () => {
    // Nearby info (0x10) as iPhones send it constantly; AirPods proximity pairing (0x07).
    expect(decodeManufacturerData(hex('4c00 1005 0b1c5e2a1f'))).toEqual({
      kind: 'other',
      reason: expect.stringContaining('nearby info'),
      companyId: 0x4c,
      company: 'Apple',
      messageType: 0x10,
    });
    expect(decodeManufacturerData(hex('4c00 0719 010f2022f58f01000452a0d91f4d7c2a8d4e0e0a8d2e4c000000'))).toMatchObject({
      kind: 'other',
      messageType: 0x07,
    });
    expect(decodeAdvertisingData(hex('02011a 0aff4c00 1005 0b1c5e2a1f'))).toMatchObject({ kind: 'other', companyId: 0x4c });
  });

  it('keeps Microsoft CDP beacons other', () => {
    // Scenario 01 (CDP), version and device type 09, flags 20 02, then the salt and device hash.
    const cdp = hex('0600 01 09 2002 3b1d0ab9 c6c24f55e4b5d6ad7f0c8a37c1b3f9cbf0aae9');
    expect(decodeManufacturerData(cdp)).toEqual({
      kind: 'other',
      reason: expect.stringContaining('Connected Devices Platform'),
      companyId: 6,
      company: 'Microsoft',
      messageType: 1,
    });
    const length = (cdp.length + 1).toString(16);
    expect(decodeAdvertisingData(hex(`${length}ff ${Buffer.from(cdp).toString('hex')}`))).toMatchObject({ kind: 'other', companyId: 6 });
  });

  it('names unknown companies by number and never mistakes them for beacons', () => {
    expect(decodeManufacturerData(hex('3412 0215 e2c56db5dffb48d2b060d0f5a71096e0 0001 0002 c5'))).toMatchObject({
      kind: 'other',
      companyId: 0x1234,
    });
  });

  it('rejects broken advertising data as malformed', () => {
    expect(decodeAdvertisingData(new Uint8Array(0))).toMatchObject({ kind: 'other', malformed: true });
    expect(decodeAdvertisingData(hex('020106 1aff4c00'))).toMatchObject({ kind: 'other', malformed: true });
    expect(decodeAdvertisingData(hex('0000'))).toMatchObject({ kind: 'other', malformed: true });
    expect(decodeAdvertisingData(hex('020106 0116'))).toMatchObject({ kind: 'other', malformed: true });
    expect(decodeManufacturerData(hex('4c'))).toMatchObject({ kind: 'other', malformed: true });
  });

  it('stops at a zero length (early end, padding after it)', () => {
    expect(decodeAdvertisingData(hex(`${Buffer.from(IBEACON_ADV).toString('hex')} 00 ffffff`))).toMatchObject({ kind: 'ibeacon' });
  });

  it('prefers a beacon anywhere in the advertisement over the rest', () => {
    const adv = hex(`0aff4c00 1005 0b1c5e2a1f 1316aafe ${Buffer.from(EDDYSTONE_URL).toString('hex')}`);
    expect(decodeAdvertisingData(adv)).toMatchObject({ kind: 'eddystone-url' });
    expect(decodeAdvert({ manufacturerData: hex('4c0010050b1c5e2a1f'), serviceData: [{ uuid: 'feaa', data: EDDYSTONE_URL }] })).toMatchObject({
      kind: 'eddystone-url',
    });
    expect(decodeAdvert({})).toMatchObject({ kind: 'other' });
  });
});
