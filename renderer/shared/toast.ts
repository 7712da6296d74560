// Runs in: renderer (DOM). A tiny toast queue (short confirmations such as "Added X").
import { reactive } from 'vue';

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'success' | 'error';
}

let nextId = 1;
export const toasts = reactive<Toast[]>([]);

export function showToast(text: string, kind: Toast['kind'] = 'success', ms = 3500): void {
  const toast: Toast = { id: nextId++, text, kind };
  toasts.push(toast);
  // Only a few at a time: the newest matters.
  while (toasts.length > 3) toasts.shift();
  setTimeout(() => dismissToast(toast.id), ms);
}

export function dismissToast(id: number): void {
  const index = toasts.findIndex((toast) => toast.id === id);
  if (index >= 0) toasts.splice(index, 1);
}

/** A confirmation belongs to the screen it was shown on: leaving it clears the queue. */
export function clearToasts(): void {
  toasts.splice(0);
}
