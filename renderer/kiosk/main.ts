// Runs in: renderer (DOM). Entry of the kiosk screen (served at /kiosk/; enrolled once from the
// kiosk link `/kiosk/#token=…` that staff make in the monitor).
import '../shared/base.css';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppI18n } from '../shared/i18n';

createApp(App).use(createPinia()).use(createAppI18n()).mount('#app');
