// Runs in: renderer (DOM). Entry of the staff order monitor (served at /monitor/).
import '../shared/base.css';
import './dialog.css';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { useOrdersStore } from './stores/orders';
import { createAppI18n } from '../shared/i18n';

const pinia = createPinia();
// The board's snapshot is requested before Vue renders anything (see the store's prefetch).
useOrdersStore(pinia).prefetch();
createApp(App).use(pinia).use(createAppI18n()).mount('#app');
