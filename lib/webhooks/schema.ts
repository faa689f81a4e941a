import { z } from "zod";
import { WEBHOOK_EVENTS } from "./events";

/** The fields without defaults: an edit must not reset what it leaves out. */
const fields = {
  name: z.string().trim().min(1, "Give it a name").max(80, "At most 80 characters"),
  url: z
    .url({ protocol: /^https?$/, message: "Enter an http:// or https:// address" })
    .max(2000, "At most 2000 characters"),
  kind: z.enum(["generic", "slack"]),
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1, "Pick at least one event")
    .transform((events) => [...new Set(events)]),
  /** Signs generic payloads (HMAC-SHA256); stored sealed, never shown again. */
  secret: z.string().min(8, "At least 8 characters").max(200, "At most 200 characters"),
  enabled: z.boolean(),
};

/** One schema for the settings form and the API: a new outgoing webhook. */
export const ZWebhookInputSchema = z
  .object({
    ...fields,
    kind: fields.kind.default("generic"),
    secret: fields.secret.optional(),
    enabled: fields.enabled.default(true),
  })
  .strict();

/** An edit: any field; `secret: null` removes the secret, leaving it out keeps it. */
export const ZWebhookUpdateSchema = z
  .object({ ...fields, secret: fields.secret.nullable() })
  .partial()
  .strict();

export type TWebhookInput = z.input<typeof ZWebhookInputSchema>;
export type TWebhookUpdate = z.input<typeof ZWebhookUpdateSchema>;
