// Runs in: renderer (DOM). The Reports view's state: the Z-report of the chosen business day
// (the station decides which day is "today", in its own time zone), reloaded shortly after an
// order event while the day is still open, and its CSV/PDF exports as downloads.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError, requestJson } from '../../shared/http';

export type ReportPaymentState = 'pending' | 'paid' | 'paid_offline' | 'declined' | 'failed' | 'refunded';

export interface Figure {
  count: number;
  amount: number;
}

/** GET /api/staff/reports/z (docs/store-api.md "Reports"); amounts in minor units of `currency`. */
export interface ZReport {
  reportNumber: string;
  storeId: string;
  storeName: string;
  date: string;
  timeZone: string;
  from: string;
  to: string;
  closed: boolean;
  generatedAt: string;
  currency: string;
  orders: { total: number; placed: number; handedOver: number; cancelled: number };
  gross: Figure;
  refunds: Figure;
  cancellations: Figure;
  net: number;
  byPaymentMethod: (Figure & { method: string })[];
  byPaymentState: (Figure & { state: ReportPaymentState })[];
  byFulfilment: (Figure & { type: 'pickup' | 'delivery' })[];
  topProducts: { sku: string; name: string; quantity: number; amount: number }[];
  hourly: (Figure & { hour: number })[];
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  otherCurrencies: { currency: string; gross: Figure; refunds: Figure }[];
}

export type ExportKind = 'csv' | 'pdf';

/** Order events come in bursts (placed, then paid): one reload after the burst is enough. */
export const LIVE_RELOAD_MS = 700;

const reportUrl = (ext: '' | '.csv' | '.pdf', date: string | null, lang?: string): string => {
  const query = new URLSearchParams();
  if (date) query.set('date', date);
  if (lang) query.set('lang', lang);
  const text = query.toString();
  return `/api/staff/reports/z${ext}${text ? `?${text}` : ''}`;
};

export const useReportsStore = defineStore('monitor-reports', () => {
  const report = ref<ZReport | null>(null);
  /** The day asked for; null = the station's today. */
  const date = ref<string | null>(null);
  /** The station's today, learnt from the first report asked without a date. */
  const today = ref<string | null>(null);
  const loading = ref(false);
  const failure = ref<unknown>(null);
  const exporting = ref<ExportKind | null>(null);
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    try {
      const next = await requestJson<ZReport>(reportUrl('', date.value));
      // A slower answer for a day no longer chosen must not replace the newer one.
      if (mine !== seq) return;
      report.value = next;
      failure.value = null;
      if (date.value === null) today.value = next.date;
    } catch (error) {
      if (mine === seq) failure.value = error;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  function choose(day: string | null): Promise<void> {
    date.value = day !== null && day === today.value ? null : day;
    return load();
  }

  /** An order changed: an open day's figures may have moved (a closed day's cannot grow). */
  function noteOrderEvent(): void {
    if (report.value !== null && report.value.closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void load(), LIVE_RELOAD_MS);
  }

  /**
   * Fetches an export as a file (so a refusal shows on the monitor instead of a downloaded error
   * page); the view saves it.
   */
  async function download(kind: ExportKind, lang: string): Promise<{ blob: Blob; name: string }> {
    exporting.value = kind;
    try {
      const day = report.value?.date ?? date.value;
      const response = await fetch(reportUrl(kind === 'csv' ? '.csv' : '.pdf', day, lang), { credentials: 'same-origin' });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
        throw new ApiError(response.status, body?.error?.code ?? 'bad_response', body?.error?.message ?? '');
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `z-report.${kind}`;
      return { blob: await response.blob(), name };
    } finally {
      exporting.value = null;
    }
  }

  function reset(): void {
    clearTimeout(timer);
    seq++;
    report.value = null;
    date.value = null;
    loading.value = false;
    failure.value = null;
  }

  return { report, date, today, loading, failure, exporting, load, choose, noteOrderEvent, download, reset };
});
