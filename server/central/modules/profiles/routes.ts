// Runs in: node. Signed profile routes (docs/central-api.md "Approval profiles"): a station
// enrols a shopper, reads a profile to run a dialogue, and reports failed dialogues. Contacts
// travel in bodies, never in paths, so no request log carries one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MAX_ENROLLED_QUESTIONS, MIN_ENROLLED_QUESTIONS } from '../../../protocol/approval.js';
import type { CentralContext } from '../../context.js';
import { requireStore } from '../../plugins/auth.js';
import { Timestamp } from '../../schemas.js';

const Contact = Type.String({ minLength: 3, maxLength: 120, description: 'phone or e-mail; central keeps only an HMAC of its normalised form' });
const B64 = (min: number, max: number, description: string) => Type.String({ pattern: '^[A-Za-z0-9_-]+$', minLength: min, maxLength: max, description });

const EnrolledAnswer = Type.Object(
  {
    questionId: Type.String({ pattern: '^[a-z0-9._-]{1,40}$' }),
    text: Type.Optional(Type.String({ minLength: 3, maxLength: 200, description: 'a custom question, in the words the shopper wrote' })),
    salt: B64(16, 64, 'random salt of the hash'),
    hash: B64(43, 43, 'SHA-256(salt || normalised answer)'),
    embedding: B64(4, 24_000, "the model's embedding of the normalised answer, float32 little-endian"),
    answer: Type.String({ minLength: 1, maxLength: 300, description: 'the normalised answer, for the scorer; sealed at rest' }),
  },
  { additionalProperties: false },
);

const ProfileBody = Type.Object(
  {
    lang: Type.Union([Type.Literal('ko'), Type.Literal('en')]),
    deviceHash: B64(43, 43, 'SHA-256 of the enrolling device id'),
    questions: Type.Array(EnrolledAnswer, { minItems: MIN_ENROLLED_QUESTIONS, maxItems: MAX_ENROLLED_QUESTIONS }),
  },
  { additionalProperties: false },
);

const Purchase = Type.Object({ sku: Type.String(), name: Type.String(), nameEn: Type.Optional(Type.String()), at: Timestamp, storeId: Type.String() });

const Lockout = Type.Object({
  locked: Type.Boolean(),
  until: Type.Union([Timestamp, Type.Null()]),
  failures: Type.Array(Type.Object({ at: Timestamp, storeId: Type.String() }), { description: 'failed dialogues within the last 24 h, newest first' }),
});

export const profileRoutes: FastifyPluginAsyncTypebox<{ ctx: CentralContext }> = async (app, { ctx }) => {
  app.addHook('preValidation', requireStore(ctx));
  const common = { tags: ['profiles'], security: [{ storeSignature: [] }] };

  app.post(
    '/v1/profiles',
    {
      schema: {
        ...common,
        summary: "Enrol a shopper's approval profile (sealed at rest); an existing one is never replaced",
        body: Type.Object({ contact: Contact, profile: ProfileBody }, { additionalProperties: false }),
        response: { 201: Type.Object({ enrolled: Type.Literal(true), enrolledAt: Timestamp }) },
      },
    },
    async (request, reply) => {
      const { enrolledAt } = await ctx.profiles.enrol(request.storeId!, request.body.contact, request.body.profile);
      return reply.code(201).send({ enrolled: true as const, enrolledAt });
    },
  );

  app.post(
    '/v1/profiles/lookup',
    {
      schema: {
        ...common,
        summary: "A shopper's profile (null when not enrolled) and lockout state",
        body: Type.Object({ contact: Contact }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            profile: Type.Union([
              Type.Object({ ...ProfileBody.properties, enrolledAt: Timestamp, enrolStoreId: Type.String() }),
              Type.Null(),
            ]),
            lockout: Lockout,
            purchases: Type.Array(Purchase, { description: "an enrolled shopper's purchases in the chain within the last 30 days, newest first" }),
          }),
        },
      },
    },
    async (request) => ctx.profiles.lookup(request.body.contact),
  );

  app.post(
    '/v1/profiles/purchases',
    {
      schema: {
        ...common,
        summary: "Record an enrolled shopper's paid order for history questions (sealed; ignored for unenrolled contacts)",
        body: Type.Object(
          {
            contact: Contact,
            orderId: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }),
            items: Type.Array(Type.Object({ sku: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ minLength: 1, maxLength: 200 }), nameEn: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }), { minItems: 1, maxItems: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ recorded: Type.Boolean() }) },
      },
    },
    async (request) => ctx.profiles.recordPurchase(request.storeId!, request.body.contact, request.body.orderId, request.body.items),
  );

  app.post(
    '/v1/profiles/lockout',
    {
      schema: { ...common, summary: 'Whether failed dialogues lock approval for this shopper now', body: Type.Object({ contact: Contact }, { additionalProperties: false }), response: { 200: Lockout } },
    },
    async (request) => ctx.profiles.lockout(request.body.contact),
  );

  app.post(
    '/v1/profiles/failures',
    {
      schema: {
        ...common,
        summary: 'Record a failed dialogue (once per order); answers the lockout state',
        body: Type.Object({ contact: Contact, orderId: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) }, { additionalProperties: false }),
        response: { 200: Lockout },
      },
    },
    async (request) => ctx.profiles.recordFailure(request.storeId!, request.body.contact, request.body.orderId),
  );
};
