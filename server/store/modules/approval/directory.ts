// Runs in: node. The station's window on central's approval profiles (docs/central-api.md
// "Approval profiles"): profiles are fetched when a dialogue needs them and kept in memory for a
// short while only, never written to the station's disk; lockout is always asked fresh.
import { AppError } from '../../errors.js';
import { normaliseContact } from '../../../protocol/approval.js';
import type { Clock } from '../../clock.js';
import { classifyFailure } from '../../sync/central-client.js';
import type { CentralRequester } from '../payments/service.js';

export interface EnrolledAnswer {
  questionId: string;
  /** A custom question's own words; catalogue questions have only their id. */
  text?: string;
  salt: string;
  hash: string;
  embedding: string;
  /** The normalised answer: in memory only, to be scored. */
  answer: string;
}

export interface ProfileInput {
  lang: 'ko' | 'en';
  deviceHash: string;
  questions: EnrolledAnswer[];
}

export interface Profile extends ProfileInput {
  enrolledAt: string;
  enrolStoreId: string;
}

export interface Lockout {
  locked: boolean;
  until: string | null;
  failures: { at: string; storeId: string }[];
}

/** A product an enrolled shopper bought in the chain within the last 30 days. */
export interface Purchase {
  sku: string;
  name: string;
  nameEn?: string;
  at: string;
  storeId: string;
}

export interface Found {
  profile: Profile | null;
  lockout: Lockout;
  purchases: Purchase[];
}

export interface ProfileDirectory {
  enrol(contact: string, profile: ProfileInput): Promise<void>;
  lookup(contact: string): Promise<Found>;
  /** An enrolled shopper's paid order, for other stores' history questions. */
  recordPurchase(contact: string, orderId: string, items: { sku: string; name: string }[]): Promise<void>;
  lockout(contact: string): Promise<Lockout>;
  recordFailure(contact: string, orderId: string): Promise<Lockout>;
}

/** Central cannot be asked now: callers decide what that means (the gate treats it as unknown). */
export class ProfilesUnreachable extends AppError {
  constructor() {
    super(503, 'profiles_unavailable', 'The identity check service cannot be reached right now. Please try again in a moment or ask staff.');
  }
}

const PROFILE_TTL_MS = 2 * 60 * 1000;
const CACHE_LIMIT = 500;
const TIMEOUT_MS = 3_000;

export class CentralProfileDirectory implements ProfileDirectory {
  // Opened profiles by normalised contact: a dialogue reads one several times within a minute.
  private readonly cache = new Map<string, { found: Omit<Found, 'lockout'>; at: number }>();

  constructor(
    private readonly central: CentralRequester | null,
    private readonly clock: Clock,
  ) {}

  async enrol(contact: string, profile: ProfileInput): Promise<void> {
    await this.call('/v1/profiles', { contact, profile });
    this.cache.delete(key(contact));
  }

  async lookup(contact: string): Promise<Found> {
    const cached = this.cache.get(key(contact));
    if (cached && this.clock.now() - cached.at < PROFILE_TTL_MS) return { ...cached.found, lockout: await this.lockout(contact) };
    const answer = (await this.call('/v1/profiles/lookup', { contact })) as Found;
    // Only found profiles are kept: an enrolment at another store counts at once here.
    if (answer.profile) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key(contact), { found: { profile: answer.profile, purchases: answer.purchases }, at: this.clock.now() });
    }
    return answer;
  }

  async recordPurchase(contact: string, orderId: string, items: { sku: string; name: string }[]): Promise<void> {
    await this.call('/v1/profiles/purchases', { contact, orderId, items: items.map(({ sku, name }) => ({ sku, name })) });
  }

  async lockout(contact: string): Promise<Lockout> {
    return (await this.call('/v1/profiles/lockout', { contact })) as Lockout;
  }

  async recordFailure(contact: string, orderId: string): Promise<Lockout> {
    return (await this.call('/v1/profiles/failures', { contact, orderId })) as Lockout;
  }

  private async call(path: string, body: unknown): Promise<unknown> {
    if (!this.central) throw new ProfilesUnreachable();
    try {
      return await this.central.request('POST', path, body, {}, { timeoutMs: TIMEOUT_MS });
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'unavailable') throw new ProfilesUnreachable();
      if (failure.code === 'profile_exists') throw new AppError(409, 'profile_exists', 'This contact already has an identity profile. Ask staff to reset it if you want to change it.');
      if (failure.code === 'contact_invalid') throw new AppError(400, 'contact_invalid', 'Give a phone number or an e-mail address.');
      if (failure.code === 'profiles_unavailable') throw new ProfilesUnreachable();
      throw new AppError(502, 'profiles_refused', `The identity check service refused the request (${failure.code}).`);
    }
  }
}

function key(contact: string): string {
  return normaliseContact(contact) ?? contact;
}
