// Runs in: node. The HID RFID reader seam. Implementations: node-hid-readers.ts (real readers
// through node-hid, hot-plug) and virtual-reader.ts (tests and the demo); the Electron utility
// process feeds a bridged one from the main process's messages.

export interface HidReaderInfo {
  /** Stable for as long as the reader stays plugged in (the OS device path, or a virtual name). */
  id: string;
  vendorId: number;
  productId: number;
  product?: string;
  /** How its reports are read: keyboard-wedge boot reports, or a raw-report reader. */
  mode: 'keyboard-wedge' | 'raw';
}

/** One completed read: a card or tag held to a reader. */
export interface HidTap {
  readerId: string;
  /** What the reader typed (keyboard-wedge) or sent (raw), without the terminator. */
  text: string;
  /** The tag or card id as the catalogue and loyalty cards store it: upper-case hex. */
  tag: string;
  /** Milliseconds since the Unix epoch. */
  at: number;
}

/** Something for the monitor's device panel: a read that is no tag id, a reader that could not
 * be opened or failed, or no HID driver at all (readerId null). */
export interface HidIssue {
  readerId: string | null;
  message: string;
  /** What the reader typed, for a read that is no tag id. */
  text?: string;
  /** Milliseconds since the Unix epoch. */
  at: number;
}

export type Unsubscribe = () => void;

export interface HidReaderHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Readers connected now. */
  readers(): HidReaderInfo[];
  onTap(listener: (tap: HidTap) => void): Unsubscribe;
  /** Called whenever a reader is plugged in or unplugged, with the readers connected now. */
  onReaders(listener: (readers: HidReaderInfo[]) => void): Unsubscribe;
  /** Optional (added after the first version: a hub may not report issues). */
  onIssue?(listener: (issue: HidIssue) => void): Unsubscribe;
  /** Why the hub cannot see any reader (e.g. the node-hid driver did not load), else null. */
  unavailable?(): string | null;
}
