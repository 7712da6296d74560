// Runs in: node. The risk decision before a payment (issue 5, item 6): presence first (the
// presence gate, DESIGN.md "Presence"), then device binding and the identity dialogue, giving
// approve, a dialogue to answer, step-up (staff check ID at the counter) or deny, each with the
// reasons staff read on the monitor. NIST SP 800-63A: knowledge questions are never the only
// check, so nothing here approves an order the presence gate holds.
import type { Clock } from '../../clock.js';
import type { Db } from '../../db.js';
import type { OrderHold } from '../../schemas.js';
import { readSetting } from '../../station.js';
import type { OrderService } from '../orders/service.js';
import type { PaymentGate } from '../payments/service.js';
import type { PresenceService } from '../presence/service.js';
import { ProfilesUnreachable, type Lockout, type ProfileDirectory } from './directory.js';
import { MAX_RESTARTS } from './dialogue.js';
import type { ApprovalRepository, Decision, Reason } from './repository.js';
import { deviceHash, type ApprovalService } from './service.js';

export const APPROVAL_HOLDS: readonly OrderHold[] = ['approval_pending', 'step_up', 'approval_denied', 'approval_locked'];

export interface ApprovalPolicy {
  /**
   * The approval gate; off, only the presence gate decides. Setting `approval_gate` ("on" or
   * "off"); unset, it follows the presence gate: the dialogue adds to presence and is never the
   * only check (NIST SP 800-63A), so a store without presence checks opts in explicitly.
   */
  enabled: boolean;
  /**
   * Unenrolled shoppers (and any shopper while central cannot be asked) pay on presence and device
   * binding alone up to this amount, in minor units of the store's currency; above it staff
   * check ID (step-up). Setting `approval_unenrolled_max`.
   */
  unenrolledMaxAmount: number;
}

// About 50,000 won: a basket people buy without a second thought, in each currency's minor units.
const DEFAULT_UNENROLLED_MAX: Record<string, number> = { KRW: 50_000, JPY: 5_000 };

export function readApprovalPolicy(db: Db, currency: string, presenceGate: boolean, over: Partial<ApprovalPolicy> = {}): ApprovalPolicy {
  const raw = readSetting(db, 'approval_unenrolled_max');
  const stored = raw === undefined ? Number.NaN : Number(raw);
  return {
    enabled: over.enabled ?? { on: true, off: false }[readSetting(db, 'approval_gate') ?? ''] ?? presenceGate,
    unenrolledMaxAmount: over.unenrolledMaxAmount ?? (Number.isSafeInteger(stored) && stored >= 0 ? stored : (DEFAULT_UNENROLLED_MAX[currency] ?? 5_000)),
  };
}

export interface ApprovalGateOptions {
  presence: PresenceService;
  approval: ApprovalService;
  repo: ApprovalRepository;
  orders: OrderService;
  directory: ProfileDirectory;
  clock: Clock;
  policy: ApprovalPolicy;
}

export class ApprovalGate implements PaymentGate {
  constructor(private readonly o: ApprovalGateOptions) {}

  get policy(): ApprovalPolicy {
    return this.o.policy;
  }

  async holdFor(order: { id: string; deviceId: string; sessionId: string }): Promise<OrderHold | null> {
    // An abandoned dialogue is held for staff even when the phone's presence proof lapsed
    // meanwhile (it will have, after 10 minutes): "questions expired" tells staff what happened,
    // "no presence" would not. It only holds, so presence-first approval (NIST) is untouched.
    const expired = this.o.policy.enabled ? this.expiredDecision(order.id) : null;
    if (expired) {
      this.o.repo.saveDecision(order.id, expired, this.o.clock.now());
      return expired.hold;
    }
    const presence = this.o.presence.holdFor(order);
    if (presence) return presence;
    if (!this.o.policy.enabled) return null;
    const decision = await this.decide(order);
    this.o.repo.saveDecision(order.id, decision, this.o.clock.now());
    return decision.hold;
  }

  /** The lockout of the order's shopper as central has it now; null when central cannot say. */
  async lockoutOf(orderId: string): Promise<Lockout | null> {
    try {
      return await this.o.directory.lockout(this.o.orders.forStaff(orderId).orderer.contact);
    } catch (error) {
      if (error instanceof ProfilesUnreachable) return null;
      throw error;
    }
  }

  private async decide(order: { id: string; deviceId: string; sessionId: string }): Promise<Decision> {
    const view = this.o.orders.forStaff(order.id);
    const contact = view.orderer.contact;
    const reasons: Reason[] = [this.presenceReason(order)];
    const money = `${view.total.toLocaleString('en-US')} ${view.currency}`;
    const limit = `${this.o.policy.unenrolledMaxAmount.toLocaleString('en-US')} ${view.currency}`;

    // The order is paid from the phone that placed it: its session's device (DESIGN.md "Security").
    if (this.o.repo.sessionDevice(order.sessionId) !== order.deviceId) {
      return stepUp([...reasons, { code: 'device_mismatch', message: 'The order was placed from another device than its session’s.' }]);
    }
    reasons.push({ code: 'device_bound', message: 'Placed from the phone bound to its shopping session.' });

    const overridden = this.o.repo.overriddenHolds(order.id).filter((h) => APPROVAL_HOLDS.includes(h as OrderHold));
    if (overridden.length > 0) {
      return approve([...reasons, { code: 'staff_override', message: `Staff checked the shopper and lifted ${overridden.join(', ')} (see overrides).` }]);
    }

    const dialogue = this.o.repo.dialogue(order.id);
    if (dialogue?.state.status === 'passed') {
      return approve([...reasons, { code: 'dialogue_passed', message: `Identity questions passed (${dialogue.state.passes} of ${dialogue.state.answered}).` }]);
    }
    if (dialogue?.state.status === 'failed') {
      if (!dialogue.failureSent) await this.o.approval.sendFailure(order.id, contact);
      return {
        outcome: 'deny',
        hold: 'approval_denied',
        reasons: [...reasons, { code: 'dialogue_failed', message: `Identity questions failed (${dialogue.state.fails} wrong of ${dialogue.state.answered}). Check ID at the counter to proceed.` }],
      };
    }
    if (dialogue?.state.status === 'open') {
      return { outcome: 'dialogue', hold: 'approval_pending', reasons: [...reasons, { code: 'dialogue_open', message: `Identity questions in progress (${dialogue.state.answered} answered).` }] };
    }

    let found: Awaited<ReturnType<ProfileDirectory['lookup']>> | null = null;
    try {
      found = await this.o.directory.lookup(contact);
    } catch (error) {
      if (!(error instanceof ProfilesUnreachable)) throw error;
      reasons.push({ code: 'profiles_unreachable', message: 'Central could not be asked whether the shopper is enrolled; decided as unenrolled.' });
    }
    if (found?.lockout.locked) {
      const where = found.lockout.failures.map((f) => `${f.at} at ${f.storeId}`).join('; ');
      return {
        outcome: 'deny',
        hold: 'approval_locked',
        reasons: [...reasons, { code: 'locked', message: `${found.lockout.failures.length} failed identity dialogues within 24 h (${where}); approval is locked until ${found.lockout.until}.` }],
      };
    }
    if (found?.profile) {
      const sameDevice = found.profile.deviceHash === deviceHash(order.deviceId);
      reasons.push(
        { code: 'enrolled', message: `Enrolled ${found.profile.enrolledAt} at store ${found.profile.enrolStoreId}: identity questions required.` },
        sameDevice
          ? { code: 'enrolment_device', message: 'Paying from the phone the shopper enrolled with.' }
          : { code: 'new_device', message: 'Paying from another phone than the one the shopper enrolled with.' },
      );
      return { outcome: 'dialogue', hold: 'approval_pending', reasons };
    }
    if (found) reasons.push({ code: 'not_enrolled', message: 'The shopper has no identity profile.' });
    if (view.total <= this.o.policy.unenrolledMaxAmount) {
      return approve([...reasons, { code: 'within_limit', message: `${money} is within the ${limit} allowed on presence and device binding alone.` }]);
    }
    return stepUp([...reasons, { code: 'above_limit', message: `${money} is above the ${limit} allowed without identity questions: check ID at the counter.` }]);
  }

  /**
   * The dialogue expired unanswered and staff have not lifted the hold: step-up (staff check ID at
   * the counter), unless the shopper starts over on the phone. Not a failure: nothing is sent to
   * central's lockout (see ApprovalService.expireLocked).
   */
  private expiredDecision(orderId: string): Decision | null {
    const dialogue = this.o.repo.dialogue(orderId);
    if (dialogue?.state.status !== 'expired') return null;
    if (this.o.repo.overriddenHolds(orderId).some((h) => APPROVAL_HOLDS.includes(h as OrderHold))) return null;
    const minutes = Math.round(this.o.approval.timeoutMs / 60_000);
    const restarts = dialogue.state.restartsLeft ?? MAX_RESTARTS;
    return stepUp([
      {
        code: 'dialogue_expired',
        message:
          `Identity questions expired unanswered after ${minutes} min (${new Date(dialogue.state.updatedAt).toISOString()}, ${dialogue.state.answered} answered); ` +
          `not counted as a failed attempt. ${restarts > 0 ? 'The shopper may start over once on the phone, or ' : 'Already started over once: '}check ID at the counter.`,
      },
    ]);
  }

  private presenceReason(order: { id: string; deviceId: string }): Reason {
    if (!this.o.presence.gateEnabled) return { code: 'presence_gate_off', message: 'This station does not check presence.' };
    const proof = this.o.presence.recentProof(order.deviceId);
    if (proof) return { code: 'presence_proven', message: `Phone proven in the store (${proof.kind}, ${new Date(proof.at).toISOString()}).` };
    return { code: 'presence_overridden', message: 'Staff overrode the presence check.' };
  }
}

function approve(reasons: Reason[]): Decision {
  return { outcome: 'approve', hold: null, reasons };
}

function stepUp(reasons: Reason[]): Decision {
  return { outcome: 'step_up', hold: 'step_up', reasons };
}
