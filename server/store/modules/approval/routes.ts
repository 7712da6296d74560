// Runs in: node. Approval routes (docs/store-api.md "Approval"): the question catalogue and
// enrolment for the shopper app, the identity dialogue of an order (the chat-like communication
// window, patent 410), and staff's view of an order's risk decision and audited dialogue.
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MAX_ENROLLED_QUESTIONS, MIN_ENROLLED_QUESTIONS } from '../../../protocol/approval.js';
import type { StationContext } from '../../context.js';
import { requireShopper, requireStaff } from '../../plugins/auth.js';
import { OrderHold, PaymentState } from '../../schemas.js';
import { OrderIdParams } from '../orders/schemas.js';
import { startDialogueExpiry } from './expiry.js';

const Bilingual = Type.Object({ ko: Type.String(), en: Type.String() });
const QuestionId = Type.String({ pattern: '^[a-z0-9._-]{1,40}$' });
const Answer = Type.String({ minLength: 1, maxLength: 300, description: 'never stored nor logged; scored in memory' });

const DialogueView = Type.Object({
  orderId: Type.String(),
  status: Type.Union([Type.Literal('not_started'), Type.Literal('open'), Type.Literal('passed'), Type.Literal('failed'), Type.Literal('expired')], {
    description: 'expired: left unanswered past the station\'s timeout; held for staff, and the shopper may start over once (`canRestart`)',
  }),
  hold: Type.Union([OrderHold, Type.Null()]),
  paymentState: PaymentState,
  question: Type.Union([
    Type.Object({
      id: Type.String(),
      kind: Type.Union([Type.Literal('enrolled'), Type.Literal('history')]),
      text: Bilingual,
      choices: Type.Optional(
        Type.Array(Type.Object({ id: Type.String({ description: 'send as `choice`' }), label: Type.String(), labelEn: Type.Optional(Type.String()) })),
      ),
    }),
    Type.Null(),
  ]),
  questionNumber: Type.Integer({ description: '1-based number of the question being asked' }),
  maxQuestions: Type.Integer(),
  passesNeeded: Type.Integer(),
  reasksLeft: Type.Integer({ description: 'how many more times "ask me something else" may be used' }),
  questionsLeft: Type.Integer(),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'open dialogues: when it expires unless answered' }),
  timeoutMinutes: Type.Integer({ description: 'how long the station waits for an answer' }),
  canRestart: Type.Boolean({ description: 'expired, not started over yet, and the order is still payable: POST …/approval/restart' }),
});

const Reason = Type.Object({ code: Type.String(), message: Type.String() });
const Lockout = Type.Object({
  locked: Type.Boolean(),
  until: Type.Union([Type.String(), Type.Null()]),
  failures: Type.Array(Type.Object({ at: Type.String(), storeId: Type.String() })),
});

const StaffApproval = Type.Object({
  orderId: Type.String(),
  hold: Type.Union([OrderHold, Type.Null()]),
  policy: Type.Object({ enabled: Type.Boolean(), unenrolledMaxAmount: Type.Integer(), judge: Type.String() }),
  decision: Type.Union([
    Type.Object({
      outcome: Type.Union([Type.Literal('approve'), Type.Literal('dialogue'), Type.Literal('step_up'), Type.Literal('deny')]),
      hold: Type.Union([OrderHold, Type.Null()]),
      reasons: Type.Array(Reason),
      at: Type.String({ format: 'date-time' }),
    }),
    Type.Null(),
  ]),
  dialogue: Type.Union([
    Type.Object({
      status: Type.String(),
      expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      timeoutMinutes: Type.Integer(),
      restartsLeft: Type.Integer({ description: 'expired dialogues: how many times the shopper may still start over' }),
      answered: Type.Integer(),
      passes: Type.Integer(),
      fails: Type.Integer(),
      reasksLeft: Type.Integer(),
      failureReported: Type.Union([Type.Boolean(), Type.Null()]),
      startedAt: Type.String({ format: 'date-time' }),
      updatedAt: Type.String({ format: 'date-time' }),
      turns: Type.Array(
        Type.Object({
          turn: Type.Integer(),
          questionId: Type.String(),
          question: Type.String(),
          kind: Type.String(),
          action: Type.Union([Type.Literal('answer'), Type.Literal('reask'), Type.Literal('expire'), Type.Literal('restart')]),
          score: Type.Union([Type.Number(), Type.Null()]),
          verdict: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Null()]),
          judge: Type.Union([Type.String(), Type.Null()]),
          reasons: Type.Array(Type.String(), { description: "the engine's answer-free explanations" }),
          at: Type.String({ format: 'date-time' }),
        }),
      ),
    }),
    Type.Null(),
  ]),
  lockout: Type.Union([Lockout, Type.Null()], { description: "central's lockout state now; null when central cannot be asked" }),
});

export const approvalRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  const { approval, approvalGate } = ctx;

  // Abandoned dialogues expire on the station's clock without a request, so the monitor learns
  // of them; the sweeper lives and dies with the app.
  let expiry: { stop(): void } | null = null;
  app.addHook('onReady', async () => {
    expiry = startDialogueExpiry({ approval, log: app.log });
  });
  app.addHook('onClose', async () => expiry?.stop());

  app.get(
    '/api/approval/questions',
    {
      schema: {
        tags: ['shopper'],
        summary: 'The enrolment question catalogue (Korean and English)',
        response: { 200: Type.Object({ min: Type.Integer(), max: Type.Integer(), questions: Type.Array(Type.Object({ id: Type.String(), ko: Type.String(), en: Type.String() })) }) },
      },
    },
    async () => approval.catalogue(),
  );

  app.register(async (scope) => {
    const shopper = scope.withTypeProvider<TypeBoxTypeProvider>();
    shopper.addHook('onRequest', requireShopper(ctx));

    shopper.post(
      '/api/approval/profile',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['shopper'],
          summary: 'Enrol identity questions for a contact (kept at central; answers never in clear)',
          body: Type.Object(
            {
              contact: Type.String({ minLength: 3, maxLength: 120, description: 'the phone or e-mail given at checkout' }),
              lang: Type.Union([Type.Literal('ko'), Type.Literal('en')]),
              questions: Type.Array(
                Type.Object(
                  {
                    id: Type.Optional(QuestionId),
                    text: Type.Optional(Type.String({ minLength: 3, maxLength: 200, description: 'your own question, instead of a catalogue id' })),
                    answer: Answer,
                  },
                  { additionalProperties: false },
                ),
                { minItems: MIN_ENROLLED_QUESTIONS, maxItems: MAX_ENROLLED_QUESTIONS },
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ enrolled: Type.Literal(true), questions: Type.Array(Type.Object({ id: Type.String(), text: Bilingual })) }) },
        },
      },
      async (request, reply) => {
        const { questions } = await approval.enrol(request.shopper!, request.body);
        return reply.code(201).send({ enrolled: true as const, questions });
      },
    );

    shopper.get(
      '/api/orders/:id/approval',
      { schema: { tags: ['shopper'], summary: "The order's identity dialogue: the current question", params: OrderIdParams, response: { 200: DialogueView } } },
      async (request) => approval.view(request.shopper!, request.params.id),
    );

    shopper.post(
      '/api/orders/:id/approval',
      {
        schema: {
          tags: ['shopper'],
          summary: 'Start the identity dialogue of an order held for it (or get the one already open)',
          params: OrderIdParams,
          response: { 200: DialogueView },
        },
      },
      async (request) => approval.start(request.shopper!, request.params.id),
    );

    shopper.post(
      '/api/orders/:id/approval/answer',
      {
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['shopper'],
          summary: 'Answer the current question (text, or `choice` for a multiple-choice one); the order is paid once 2 pass',
          params: OrderIdParams,
          body: Type.Object(
            { questionId: Type.String({ minLength: 1, maxLength: 40 }), answer: Type.Optional(Answer), choice: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
            { additionalProperties: false },
          ),
          response: { 200: DialogueView },
        },
      },
      async (request) => approval.answer(request.shopper!, request.params.id, request.body),
    );

    shopper.post(
      '/api/orders/:id/approval/another',
      {
        schema: {
          tags: ['shopper'],
          summary: '"Ask me something else": replace the current question (twice per dialogue)',
          params: OrderIdParams,
          body: Type.Object({ questionId: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
          response: { 200: DialogueView },
        },
      },
      async (request) => approval.another(request.shopper!, request.params.id, request.body.questionId),
    );

    shopper.post(
      '/api/orders/:id/approval/restart',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['shopper'],
          summary: 'Start over with new questions after the dialogue expired unanswered (once per order, while the order is payable)',
          params: OrderIdParams,
          response: { 200: DialogueView },
        },
      },
      async (request) => approval.restart(request.shopper!, request.params.id),
    );
  });

  app.register(async (scope) => {
    const staff = scope.withTypeProvider<TypeBoxTypeProvider>();
    staff.addHook('onRequest', requireStaff(ctx));

    staff.get(
      '/api/staff/orders/:id/approval',
      {
        schema: {
          tags: ['staff'],
          summary: "The order's risk decision with its reasons, its audited dialogue (never answers) and the shopper's lockout",
          params: OrderIdParams,
          response: { 200: StaffApproval },
        },
      },
      async (request) => {
        const order = ctx.orders.forStaff(request.params.id);
        await approval.expireIfDue(order.id);
        const decision = ctx.approvalRepo.decision(order.id);
        return {
          orderId: order.id,
          hold: order.hold ?? null,
          policy: { ...approvalGate.policy, judge: approval.judgeName },
          decision: decision ? { ...decision, at: new Date(decision.at).toISOString() } : null,
          dialogue: approval.staffDialogue(order.id),
          lockout: approvalGate.policy.enabled ? await approvalGate.lockoutOf(order.id) : null,
        };
      },
    );
  });
};
