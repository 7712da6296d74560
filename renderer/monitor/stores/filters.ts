// Runs in: renderer (DOM). The board's search and filters, kept in the address's query (a reload
// keeps them), and the board as they leave it: orders grouped by state and counted.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { groupByState, type Groups } from '../board';
import { applyFilter, countByState, emptyFilter, filterFromQuery, filterToQuery, isFiltering, type BoardFilter } from '../filters';
import { useOrdersStore } from './orders';

/** "Last hour" and "today" slide with the clock; a minute's lag is fine on a staff board. */
const CLOCK_TICK_MS = 30_000;

const hasLocation = (): boolean => typeof window !== 'undefined' && typeof window.location !== 'undefined';

export const useFiltersStore = defineStore('monitor-filters', () => {
  const orders = useOrdersStore();
  const filter = ref<BoardFilter>(hasLocation() ? filterFromQuery(window.location.search) : emptyFilter());
  const now = ref(Date.now());
  let tick: ReturnType<typeof setInterval> | undefined;

  const active = computed(() => isFiltering(filter.value));
  const all = computed(() => Object.values(orders.byId));
  const visible = computed(() => (active.value ? applyFilter(all.value, filter.value, now.value) : all.value));
  const groups = computed<Groups>(() => (active.value ? groupByState(visible.value) : orders.groups));
  const counts = computed(() => countByState(visible.value));
  const total = computed(() => all.value.length);

  watch(
    filter,
    (value) => {
      if (hasLocation()) {
        const search = filterToQuery(value, window.location.search);
        if (search !== window.location.search) {
          // replaceState: typing in the search box should not fill the back button's history.
          window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
        }
      }
      const sliding = value.time === 'hour' || value.time === 'today';
      if (sliding && tick === undefined) {
        now.value = Date.now();
        tick = setInterval(() => (now.value = Date.now()), CLOCK_TICK_MS);
      } else if (!sliding && tick !== undefined) {
        clearInterval(tick);
        tick = undefined;
      }
    },
    { deep: true, immediate: true },
  );

  function update(patch: Partial<BoardFilter>): void {
    filter.value = { ...filter.value, ...patch };
    if (patch.time !== undefined) now.value = Date.now();
  }

  function clear(): void {
    filter.value = emptyFilter();
  }

  return { filter, active, visible, groups, counts, total, update, clear };
});
