// Runs in: node (vitest). Windowing of long board columns (renderer/monitor/virtual.ts): lanes
// for the grid, row layout from measured heights, which rows are rendered for a scroll
// position, scrolling a row into view, and keyboard moves between cards.
import { describe, expect, it } from 'vitest';
import { lanesFor, layoutRows, navigate, rowAt, scrollToShow, visibleRows } from '../../renderer/monitor/virtual';

describe('virtual card list', () => {
  it('fits as many lanes as cards of the minimum width, never fewer than one', () => {
    expect(lanesFor(1000, 280, 8)).toBe(3);
    expect(lanesFor(287 * 2 + 8, 280, 8)).toBe(2);
    expect(lanesFor(100, 280, 8)).toBe(1);
    expect(lanesFor(0, 280, 8)).toBe(1);
    expect(lanesFor(Number.NaN, 280, 8)).toBe(1);
  });

  it('lays rows out as tall as their tallest card, with gaps between rows only', () => {
    const heights = [100, 140, 90, 120, 80];
    const layout = layoutRows(5, 2, (i) => heights[i]!, 8);
    expect(layout.heights).toEqual([140, 120, 80]);
    expect(layout.offsets).toEqual([0, 148, 276]);
    expect(layout.total).toBe(356);
    expect(layoutRows(0, 3, () => 100, 8)).toEqual({ offsets: [], heights: [], total: 0 });
  });

  it('renders only the rows near the viewport of 500 cards, and the last ones at the bottom', () => {
    const layout = layoutRows(500, 1, () => 100, 10); // rows at 0, 110, 220, …
    expect(rowAt(layout, 0)).toBe(0);
    expect(rowAt(layout, 105)).toBe(1); // in the gap after row 0: the next row
    expect(rowAt(layout, 115)).toBe(1);
    const top = visibleRows(layout, 0, 550, 0);
    expect(top).toEqual({ start: 0, end: 6 });
    const middle = visibleRows(layout, 110 * 200, 550, 220);
    expect(middle.start).toBe(198);
    expect(middle.end).toBeLessThanOrEqual(208);
    expect(middle.end - middle.start).toBeLessThan(15);
    const bottom = visibleRows(layout, layout.total - 550, 550, 0);
    expect(bottom.end).toBe(500);
    // Scrolled beyond the end (the list shrank): still the last row, never an empty window.
    expect(visibleRows(layout, 10 * layout.total, 550, 0)).toEqual({ start: 499, end: 500 });
    expect(visibleRows(layoutRows(0, 1, () => 1, 0), 0, 500, 0)).toEqual({ start: 0, end: 0 });
  });

  it('scrolls only as far as needed to show a row', () => {
    const layout = layoutRows(50, 1, () => 100, 10);
    expect(scrollToShow(layout, 2, 0, 500)).toBeNull();
    expect(scrollToShow(layout, 10, 0, 500)).toBe(1100 + 100 - 500);
    expect(scrollToShow(layout, 3, 1000, 500)).toBe(330);
    expect(scrollToShow(layout, 99, 0, 500)).toBeNull();
  });

  it('moves between cards by arrow keys (lanes in the grid), pages, Home and End, within bounds', () => {
    expect(navigate('ArrowDown', 0, 10, 3, 2)).toBe(3);
    expect(navigate('ArrowDown', 8, 10, 3, 2)).toBe(9);
    expect(navigate('ArrowUp', 1, 10, 3, 2)).toBe(0);
    expect(navigate('ArrowRight', 9, 10, 3, 2)).toBe(9);
    expect(navigate('ArrowLeft', 4, 10, 3, 2)).toBe(3);
    expect(navigate('PageDown', 0, 500, 1, 5)).toBe(5);
    expect(navigate('PageUp', 3, 500, 1, 5)).toBe(0);
    expect(navigate('Home', 250, 500, 1, 5)).toBe(0);
    expect(navigate('End', 0, 500, 1, 5)).toBe(499);
    expect(navigate('Enter', 0, 500, 1, 5)).toBeNull();
    expect(navigate('ArrowDown', 0, 0, 1, 5)).toBeNull();
  });
});
