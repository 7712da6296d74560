// Runs in: node. The words of the exported Z-report (CSV and PDF), in Korean and English: these
// files leave the monitor, so the server writes them in the language staff asked for.
export type ReportLang = 'ko' | 'en';

const en = {
  title: 'Z-report (end of day)',
  interim: 'Interim: the day is not over yet',
  closed: 'Day closed',
  store: 'Store',
  date: 'Business day',
  timeZone: 'Time zone',
  number: 'Report number',
  generatedAt: 'Generated',
  currency: 'Currency',
  firstOrder: 'First order',
  lastOrder: 'Last order',
  summary: 'Summary',
  gross: 'Gross sales',
  refunds: 'Refunds',
  cancellations: 'Cancellations',
  net: 'Net sales',
  orders: 'Orders',
  ordersTotal: 'Orders placed',
  placed: 'Open (placed)',
  handedOver: 'Handed over',
  cancelled: 'Cancelled',
  byMethod: 'By payment method',
  byState: 'By payment state',
  byFulfilment: 'Pick-up and delivery',
  topProducts: 'Top products',
  hourly: 'Sales by hour',
  otherCurrencies: 'Other currencies',
  count: 'Count',
  item: 'Item',
  product: 'Product',
  noteSales: '{n} sales',
  noteRefunds: '{n} refunded',
  noteCancellations: '{n} cancelled',
  noteOrders: '{n} orders placed',
  amount: 'Amount',
  quantity: 'Quantity',
  none: 'No sales',
  page: 'Page {n} of {total}',
  method: { card: 'Card', easy_pay: 'Easy pay' } as Record<string, string>,
  state: {
    pending: 'Not paid',
    paid: 'Paid online',
    paid_offline: 'Paid offline',
    declined: 'Declined',
    failed: 'Payment failed',
    refunded: 'Refunded',
  } as Record<string, string>,
  fulfilment: { pickup: 'Pick-up', delivery: 'Delivery' } as Record<string, string>,
};

export type ReportText = typeof en;

const ko: ReportText = {
  title: 'Z 리포트 (일 마감)',
  interim: '중간 집계: 아직 영업일이 끝나지 않았습니다',
  closed: '마감 여부',
  store: '매장',
  date: '영업일',
  timeZone: '시간대',
  number: '리포트 번호',
  generatedAt: '생성 시각',
  currency: '통화',
  firstOrder: '첫 주문',
  lastOrder: '마지막 주문',
  summary: '요약',
  gross: '총매출',
  refunds: '환불',
  cancellations: '취소',
  net: '순매출',
  orders: '주문',
  ordersTotal: '접수된 주문',
  placed: '진행 중',
  handedOver: '전달 완료',
  cancelled: '취소됨',
  byMethod: '결제 수단별',
  byState: '결제 상태별',
  byFulfilment: '매장 픽업 · 배송',
  topProducts: '많이 팔린 상품',
  hourly: '시간대별 매출',
  otherCurrencies: '다른 통화',
  count: '건수',
  item: '항목',
  product: '상품',
  noteSales: '{n}건',
  noteRefunds: '{n}건',
  noteCancellations: '{n}건',
  noteOrders: '주문 {n}건',
  amount: '금액',
  quantity: '수량',
  none: '매출 없음',
  page: '{n} / {total} 쪽',
  method: { card: '카드', easy_pay: '간편결제' },
  state: {
    pending: '미결제',
    paid: '온라인 결제',
    paid_offline: '오프라인 결제',
    declined: '거절',
    failed: '결제 실패',
    refunded: '환불',
  },
  fulfilment: { pickup: '매장 픽업', delivery: '배송' },
};

export function reportText(lang: ReportLang | undefined): ReportText {
  return lang === 'ko' ? ko : en;
}

export function localeOf(lang: ReportLang | undefined): string {
  return lang === 'ko' ? 'ko-KR' : 'en-US';
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Minor units as the people reading the file write money: ₩12,300 / $12.30. */
export function formatMoney(minor: number, currency: string, lang: ReportLang | undefined): string {
  const key = `${lang}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** An instant as the station's wall clock shows it, e.g. 2026. 11. 25. 18:00 / 11/25/2026, 18:00. */
export function formatInstant(iso: string | null, zone: string, lang: ReportLang | undefined): string {
  if (!iso) return '–';
  // A 24-hour clock, as tills and ledgers print it.
  return new Intl.DateTimeFormat(localeOf(lang), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: zone,
  }).format(new Date(iso));
}
