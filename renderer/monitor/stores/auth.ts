// Runs in: renderer (DOM). Whether this monitor is signed in (the cookie itself is httpOnly).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../../shared/http';
import { staffApi } from '../api';

export type AuthStatus = 'checking' | 'signedOut' | 'signedIn';

export const useAuthStore = defineStore('auth', () => {
  const status = ref<AuthStatus>('checking');
  /** Set when the server ended the session (shown on the sign-in screen). */
  const expired = ref(false);

  async function check(): Promise<boolean> {
    try {
      await staffApi.session();
      status.value = 'signedIn';
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        status.value = 'signedOut';
        return false;
      }
      throw error;
    }
  }

  async function signIn(pin: string): Promise<void> {
    await staffApi.signIn(pin);
    expired.value = false;
    status.value = 'signedIn';
  }

  async function signOut(): Promise<void> {
    try {
      await staffApi.signOut();
    } finally {
      status.value = 'signedOut';
    }
  }

  /** The server answered 401 to a staff call: back to the PIN screen. */
  function sessionEnded(): void {
    expired.value = true;
    status.value = 'signedOut';
  }

  return { status, expired, check, signIn, signOut, sessionEnded };
});
