// Runs in: renderer (DOM); pure, also unit-tested in node. Windowing for long board columns:
// only the cards near the scroll position are in the DOM, so a column of thousands of orders
// paints and updates like one of a few dozen. Rows have measured (or estimated) heights, and a
// row holds `lanes` cards side by side in the grid of the "placed" column.

/** Below this many cards a column renders them all: no windowing to go wrong, find-in-page works. */
export const VIRTUAL_THRESHOLD = 150;

/** How many cards fit side by side: as many as are at least `minWidth` wide, and at least one. */
export function lanesFor(width: number, minWidth: number, gap: number): number {
  if (!(width > 0) || !(minWidth > 0)) return 1;
  return Math.max(1, Math.floor((width + gap) / (minWidth + gap)));
}

export interface RowLayout {
  /** Top of each row, from the top of the list. */
  offsets: number[];
  /** Height of each row (the tallest card in it). */
  heights: number[];
  /** Height of the whole list, gaps included. */
  total: number;
}

/**
 * Rows of `count` cards in `lanes` lanes; `heightOf(i)` is card i's measured height or an
 * estimate. Each row is as tall as its tallest card.
 */
export function layoutRows(count: number, lanes: number, heightOf: (index: number) => number, gap: number): RowLayout {
  const rows = Math.ceil(count / lanes);
  const offsets = new Array<number>(rows);
  const heights = new Array<number>(rows);
  let top = 0;
  for (let row = 0; row < rows; row++) {
    let height = 0;
    const end = Math.min(count, (row + 1) * lanes);
    for (let i = row * lanes; i < end; i++) height = Math.max(height, heightOf(i));
    offsets[row] = top;
    heights[row] = height;
    top += height + (row < rows - 1 ? gap : 0);
  }
  return { offsets, heights, total: rows === 0 ? 0 : top };
}

/** The first row whose bottom is below `y` (binary search: offsets grow). */
export function rowAt(layout: RowLayout, y: number): number {
  let low = 0;
  let high = layout.offsets.length - 1;
  if (high < 0) return 0;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (layout.offsets[mid]! + layout.heights[mid]! <= y) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Rows [start, end) that intersect the viewport widened by `overscan` pixels each way, so a
 * fast scroll or a keypress finds its neighbour already rendered.
 */
export function visibleRows(layout: RowLayout, scrollTop: number, viewport: number, overscan: number): { start: number; end: number } {
  const rows = layout.offsets.length;
  if (rows === 0) return { start: 0, end: 0 };
  const start = rowAt(layout, Math.max(0, scrollTop - overscan));
  let end = rowAt(layout, scrollTop + viewport + overscan) + 1;
  end = Math.min(rows, Math.max(end, start + 1));
  return { start, end };
}

/**
 * The scroll position that brings a row fully into view, or null when it is in view already:
 * scrolling only as far as needed keeps the rest of the board where staff left it.
 */
export function scrollToShow(layout: RowLayout, row: number, scrollTop: number, viewport: number): number | null {
  const top = layout.offsets[row];
  const height = layout.heights[row];
  if (top === undefined || height === undefined) return null;
  if (top < scrollTop) return top;
  if (top + height > scrollTop + viewport) return Math.max(0, top + height - viewport);
  return null;
}

/** Which card a navigation key moves to from `index` (null: not a navigation key). */
export function navigate(key: string, index: number, count: number, lanes: number, pageRows: number): number | null {
  if (count === 0) return null;
  const clamp = (i: number): number => Math.min(count - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowDown':
      return clamp(index + lanes);
    case 'ArrowUp':
      return clamp(index - lanes);
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'PageDown':
      return clamp(index + lanes * Math.max(1, pageRows));
    case 'PageUp':
      return clamp(index - lanes * Math.max(1, pageRows));
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
