// Runs in: node (vitest). Window placement for each display set-up a store has.
import { describe, expect, it } from 'vitest';
import { planWindows, type DisplayInfo } from '../../electron/main/window-placement.js';

const display = (id: number, x: number, label = ''): DisplayInfo => ({
  id,
  label,
  bounds: { x, y: 0, width: 1920, height: 1080 },
  workArea: { x, y: 0, width: 1920, height: 1040 },
});

describe('window placement', () => {
  it('one display: the monitor only, in the work area, and says why there is no kiosk', () => {
    const plan = planWindows([display(1, 0, 'Built-in')], 1, { kioskMode: 'auto', kioskDisplayId: null });
    expect(plan.windows).toEqual([
      { role: 'monitor', displayId: 1, displayLabel: 'Built-in', bounds: { x: 0, y: 0, width: 1920, height: 1040 }, kiosk: false },
    ]);
    expect(plan.notes.join()).toMatch(/no second display/);
  });

  it('two displays: monitor on the primary, kiosk full-screen in kiosk mode on the other', () => {
    const plan = planWindows([display(2, 1920, 'Customer'), display(1, 0)], 1, { kioskMode: 'auto', kioskDisplayId: null });
    expect(plan.windows.map((w) => [w.role, w.displayId, w.kiosk])).toEqual([
      ['monitor', 1, false],
      ['kiosk', 2, true],
    ]);
    // The kiosk covers the whole display (bounds, not the work area under a task bar).
    expect(plan.windows[1]!.bounds).toEqual({ x: 1920, y: 0, width: 1920, height: 1080 });
    expect(plan.windows[1]!.displayLabel).toBe('Customer');
  });

  it('three displays: the leftmost non-primary one, stable whatever order the OS lists them in', () => {
    const displays = [display(3, 3840), display(1, 0), display(2, -1920)];
    const a = planWindows(displays, 1, { kioskMode: 'auto', kioskDisplayId: null });
    const b = planWindows([...displays].reverse(), 1, { kioskMode: 'auto', kioskDisplayId: null });
    expect(a.windows[1]!.displayId).toBe(2);
    expect(b.windows[1]!.displayId).toBe(2);
  });

  it('a configured kiosk display is used when connected, and the default rule applies when it is not', () => {
    const displays = [display(1, 0), display(2, 1920), display(3, 3840)];
    expect(planWindows(displays, 1, { kioskMode: 'auto', kioskDisplayId: 3 }).windows[1]!.displayId).toBe(3);
    const missing = planWindows(displays, 1, { kioskMode: 'auto', kioskDisplayId: 9 });
    expect(missing.windows[1]!.displayId).toBe(2);
    expect(missing.notes.join()).toMatch(/kiosk display 9 is not connected/);
  });

  it('never puts the kiosk over the monitor in auto mode', () => {
    const plan = planWindows([display(1, 0)], 1, { kioskMode: 'auto', kioskDisplayId: 1 });
    expect(plan.windows.map((w) => w.role)).toEqual(['monitor']);
    expect(plan.notes.join()).toMatch(/needs a second display/);
  });

  it('off: monitor only even with a second display', () => {
    const plan = planWindows([display(1, 0), display(2, 1920)], 1, { kioskMode: 'off', kioskDisplayId: 2 });
    expect(plan.windows.map((w) => w.role)).toEqual(['monitor']);
  });

  it('kiosk-only terminal: the kiosk alone, on the primary or the configured display', () => {
    expect(planWindows([display(1, 0)], 1, { kioskMode: 'kiosk-only', kioskDisplayId: null }).windows).toEqual([
      expect.objectContaining({ role: 'kiosk', displayId: 1, kiosk: true }),
    ]);
    expect(planWindows([display(1, 0), display(2, 1920)], 1, { kioskMode: 'kiosk-only', kioskDisplayId: 2 }).windows[0]!.displayId).toBe(2);
  });

  it('no display at all, or an unknown primary id, does not throw', () => {
    expect(planWindows([], 1, { kioskMode: 'auto', kioskDisplayId: null }).windows).toEqual([]);
    const plan = planWindows([display(5, 0), display(6, 1920)], 1, { kioskMode: 'auto', kioskDisplayId: null });
    expect(plan.windows.map((w) => w.displayId)).toEqual([5, 6]);
  });
});
