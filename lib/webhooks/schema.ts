import { z } from "zod";
import { WEBHOOK_EVENTS } from "./events";

const ZUrl = z
  .url({ protocol: /^https?$/, message: "Enter an http:// or https:// address" })
  .max(2000, "At most 2000 characters");

/** One schema for the settings form and the API: a new outgoing webhook. */
export const ZWebhookInputSchema = z.object({
  name: z.string().trim().min(1, "Give it a name").max(80, "At most 80 characters"),
  url: ZUrl,
  kind: z.enum(["generic", "slack"]).default("generic"),
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1, "Pick at least one event")
    .transform((events) => [...new Set(events)]),
  /** Signs generic payloads (HMAC-SHA256); stored sealed, never shown again. */
  secret: z.string().min(8, "At least 8 characters").max(200, "At most 200 characters").optional(),
  enabled: z.boolean().default(true),
});

/** An edit: any field; `secret: null` removes the secret, leaving it out keeps it. */
export const ZWebhookUpdateSchema = ZWebhookInputSchema.partial().extend({
  secret: ZWebhookInputSchema.shape.secret.unwrap().nullable().optional(),
});

export type TWebhookInput = z.input<typeof ZWebhookInputSchema>;
export type TWebhookUpdate = z.input<typeof ZWebhookUpdateSchema>;
