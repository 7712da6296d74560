// Runs in: renderer (DOM). Entry of the shopper web app (served at /shop/ and for label URLs).
import '../shared/base.css';
// After the shared base: the shopper's buttons and cards build on its colours.
import './styles/base.css';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppI18n } from '../shared/i18n';
import { createShopperRouter } from './router';
import { clearToasts } from '../shared/toast';

/**
 * Opened from a label URL (/q/<storeId>/<sku>?s=<sig>)? Take the label as a pending scan and
 * rewrite the address to the cart (/shop/) before the router starts, so a reload does not add
 * the product again. App.vue posts the scan.
 */
function takeLabelFromAddress(): string | null {
  if (!location.pathname.startsWith('/q/')) return null;
  const code = location.pathname + location.search;
  history.replaceState(null, '', '/shop/');
  return code;
}

const label = takeLabelFromAddress();

const app = createApp(App, { label });
app.use(createPinia());
app.use(createAppI18n());
const router = createShopperRouter();
// "Added X" must not sit over the receipt or the next screen's heading.
router.afterEach((to, from) => {
  if (from.matched.length > 0 && to.path !== from.path) clearToasts();
});
app.use(router);
app.mount('#app');

// Installable app: the service worker caches the shell only (renderer/public/shop-sw.js).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/shop-sw.js', { scope: '/shop/' }).catch(() => undefined);
}
