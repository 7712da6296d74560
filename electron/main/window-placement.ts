// Runs in: main. Which window goes on which display. A pure decision over the display list so it
// can be tested for every set-up a store has (one screen, a customer-facing second screen, a
// kiosk-only terminal) without a screen at all.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The fields of Electron's `Display` this decision reads. */
export interface DisplayInfo {
  id: number;
  label?: string;
  bounds: Rect;
  workArea: Rect;
}

/**
 * `auto`: monitor on the primary display, kiosk full-screen on a second display when one is
 * connected (none otherwise). `off`: monitor only. `kiosk-only`: a terminal that shows nothing
 * but the kiosk, on the chosen display or the primary one.
 */
export type KioskMode = 'auto' | 'off' | 'kiosk-only';

export interface PlacementConfig {
  kioskMode: KioskMode;
  /** Display the kiosk should use; when it is not connected the rule above applies. */
  kioskDisplayId: number | null;
}

export type WindowRole = 'monitor' | 'kiosk' | 'wizard';

export interface WindowPlan {
  role: WindowRole;
  displayId: number;
  displayLabel: string;
  bounds: Rect;
  /** Electron kiosk mode: full screen, no way out by keyboard shortcut. */
  kiosk: boolean;
}

export interface Placement {
  windows: WindowPlan[];
  /** Why the result differs from what the configuration asked for, for the log and the monitor. */
  notes: string[];
}

function labelOf(display: DisplayInfo, index: number): string {
  return display.label && display.label.length > 0 ? display.label : `display ${index + 1}`;
}

export function planWindows(displays: readonly DisplayInfo[], primaryId: number, config: PlacementConfig): Placement {
  const notes: string[] = [];
  if (displays.length === 0) return { windows: [], notes: ['no display is connected'] };
  const primary = displays.find((d) => d.id === primaryId) ?? displays[0]!;
  if (primary.id !== primaryId) notes.push(`primary display ${primaryId} is not in the display list; using the first one`);
  // Left to right, so "the second display" means the same screen after every reboot.
  const others = displays.filter((d) => d !== primary).sort((a, b) => a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y);
  const configured = config.kioskDisplayId === null ? undefined : displays.find((d) => d.id === config.kioskDisplayId);
  if (config.kioskDisplayId !== null && !configured && config.kioskMode !== 'off') {
    notes.push(`kiosk display ${config.kioskDisplayId} is not connected`);
  }
  const label = (d: DisplayInfo): string => labelOf(d, displays.indexOf(d));
  const monitor: WindowPlan = { role: 'monitor', displayId: primary.id, displayLabel: label(primary), bounds: primary.workArea, kiosk: false };
  const kioskOn = (d: DisplayInfo): WindowPlan => ({ role: 'kiosk', displayId: d.id, displayLabel: label(d), bounds: d.bounds, kiosk: true });

  switch (config.kioskMode) {
    case 'off':
      return { windows: [monitor], notes };
    case 'kiosk-only':
      return { windows: [kioskOn(configured ?? primary)], notes };
    case 'auto': {
      // A kiosk on the monitor's own screen would lock staff out of the monitor.
      const target = configured && configured !== primary ? configured : others[0];
      if (configured === primary) notes.push('the kiosk display is the primary display; the kiosk needs a second display');
      if (!target) {
        notes.push('no second display: the kiosk window is not opened');
        return { windows: [monitor], notes };
      }
      return { windows: [monitor, kioskOn(target)], notes };
    }
  }
}

/** IT's first-run wizard: a normal window centred on the primary display's work area. */
export function planWizardWindow(displays: readonly DisplayInfo[], primaryId: number): WindowPlan | null {
  const primary = displays.find((d) => d.id === primaryId) ?? displays[0];
  if (!primary) return null;
  const area = primary.workArea;
  const width = Math.min(960, area.width);
  const height = Math.min(760, area.height);
  return {
    role: 'wizard',
    displayId: primary.id,
    displayLabel: labelOf(primary, displays.indexOf(primary)),
    bounds: { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height },
    kiosk: false,
  };
}
