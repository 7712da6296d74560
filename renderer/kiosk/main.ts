// Runs in: renderer (DOM). Entry of the kiosk screen (a placeholder until the kiosk arrives).
import '../shared/base.css';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n } from '../shared/i18n';

createApp(App).use(createAppI18n()).mount('#app');
