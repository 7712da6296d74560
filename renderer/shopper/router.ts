// Runs in: renderer (DOM). The shopper app's routes (history mode under /shop/). Label URLs
// (/q/...) are handled in main.ts before the router starts; kiosk pairing URLs
// (/shop/pair/<kiosk>/<code>) are a route.
import { createRouter, createWebHistory } from 'vue-router';
import CartView from './views/CartView.vue';
import CheckoutView from './views/CheckoutView.vue';
import OrdersView from './views/OrdersView.vue';
import PairView from './views/PairView.vue';
import ReceiptView from './views/ReceiptView.vue';

export function createShopperRouter() {
  return createRouter({
    history: createWebHistory('/shop/'),
    routes: [
      { path: '/', name: 'cart', component: CartView },
      // The scanner (and the zxing decoder behind it) loads only when the camera opens.
      { path: '/scan', name: 'scan', component: () => import('./views/ScannerView.vue') },
      { path: '/checkout', name: 'checkout', component: CheckoutView },
      { path: '/orders', name: 'orders', component: OrdersView },
      { path: '/orders/:id', name: 'receipt', component: ReceiptView, props: true },
      // The identity questions of an order held for them (the communication window, patent 410).
      { path: '/orders/:id/approval', name: 'approval', component: () => import('./views/ApprovalView.vue'), props: true },
      // Enrolment of payment approval: questions only the shopper can answer.
      { path: '/approval/setup', name: 'enrol', component: () => import('./views/EnrolView.vue') },
      // Opened from a kiosk's pairing QR (phone camera or the in-app scanner).
      { path: '/pair/:kioskId/:nonce', name: 'pair', component: PairView, props: true },
      { path: '/:rest(.*)*', redirect: { name: 'cart' } },
    ],
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });
}
