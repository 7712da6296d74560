// Runs in: renderer (DOM). The shopper's device id and session token (both kept in
// localStorage); starts a session when there is none and resumes it after a 401.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { requestJson } from '../../shared/http';
import { randomUuid } from '../../shared/ids';
import type { SessionResponse } from '../../shared/types';
import { readStored, writeStored } from '../../shared/storage';

const DEVICE_KEY = 'omnistation.deviceId';
const TOKEN_KEY = 'omnistation.token';
const DEVICE_ID = /^[A-Za-z0-9-]{8,64}$/;

function loadDeviceId(): string {
  const stored = readStored(DEVICE_KEY);
  if (stored !== null && DEVICE_ID.test(stored)) return stored;
  const created = randomUuid();
  writeStored(DEVICE_KEY, created);
  return created;
}

export const useSessionStore = defineStore('session', () => {
  const deviceId = ref(loadDeviceId());
  const token = ref<string | null>(readStored(TOKEN_KEY));
  let starting: Promise<void> | null = null;

  /** Asks for a session, presenting the old token (if any) so the server can resume it. */
  function start(): Promise<void> {
    starting ??= (async () => {
      try {
        const headers: Record<string, string> = { 'X-Device-Id': deviceId.value };
        if (token.value) headers.Authorization = `Bearer ${token.value}`;
        const session = await requestJson<SessionResponse>('/api/sessions', {
          method: 'POST',
          body: { deviceId: deviceId.value },
          headers,
        });
        token.value = session.token;
        writeStored(TOKEN_KEY, session.token);
      } finally {
        starting = null;
      }
    })();
    return starting;
  }

  /** Resolves once there is a token to send. */
  async function ensure(): Promise<void> {
    if (starting) return starting;
    if (!token.value) await start();
  }

  /** The server refused the token (401): resume or start over, once for concurrent callers. */
  function renew(): Promise<void> {
    return start();
  }

  function authHeaders(): Record<string, string> {
    const headers: Record<string, string> = { 'X-Device-Id': deviceId.value };
    if (token.value) headers.Authorization = `Bearer ${token.value}`;
    return headers;
  }

  return { deviceId, token, ensure, renew, authHeaders };
});
