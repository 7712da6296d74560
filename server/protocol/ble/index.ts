// Runs in: node and std (no I/O). BLE advertisement codecs: iBeacon, AltBeacon and Eddystone frames
// in, the objects of CONTRACT.md "ble-decode output" out; encoders for the virtual radio and tests.
export * from './types.js';
export * from './bytes.js';
export * from './ad.js';
export * from './ibeacon.js';
export * from './altbeacon.js';
export * from './eddystone.js';
export * from './decode.js';
