import { db } from "../db";
import { env } from "../env";
import { AppError, validationError } from "../errors";
import type { WebhookEndpoint } from "../generated/prisma/client";
import { type TWebhookEventName, WEBHOOK_EVENTS } from "./events";
import { recordAndQueue } from "./notify";
import { testPayload } from "./payload";
import { ZWebhookInputSchema, ZWebhookUpdateSchema } from "./schema";
import { sealWebhookSecret } from "./secret";

/** What the API and the settings page see: never the secret, only whether there is one. */
export interface TWebhookView {
  id: string;
  name: string;
  url: string;
  kind: "generic" | "slack";
  events: TWebhookEventName[];
  hasSecret: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function webhookView(row: WebhookEndpoint): TWebhookView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    kind: row.kind,
    events: row.events.filter((e): e is TWebhookEventName =>
      (WEBHOOK_EVENTS as readonly string[]).includes(e),
    ),
    hasSecret: row.secretSealed !== null,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function find(id: string): Promise<WebhookEndpoint> {
  const row = await db().webhookEndpoint.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", "No such webhook");
  return row;
}

function nameTaken(err: unknown): boolean {
  return (err as { code?: string }).code === "P2002";
}

export async function listWebhooks(): Promise<TWebhookView[]> {
  const rows = await db().webhookEndpoint.findMany({ orderBy: { createdAt: "asc" } });
  return rows.map(webhookView);
}

export async function getWebhook(id: string): Promise<TWebhookView> {
  return webhookView(await find(id));
}

export async function createWebhook(input: unknown): Promise<TWebhookView> {
  const parsed = ZWebhookInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, "The webhook is not valid");
  const { secret, ...fields } = parsed.data;
  try {
    const row = await db().$transaction(async (tx) => {
      const created = await tx.webhookEndpoint.create({ data: fields });
      if (!secret) return created;
      return tx.webhookEndpoint.update({
        where: { id: created.id },
        data: { secretSealed: sealWebhookSecret(created.id, secret) },
      });
    });
    return webhookView(row);
  } catch (err) {
    if (nameTaken(err))
      throw new AppError("conflict", `A webhook named "${fields.name}" exists already`, {
        name: "Already in use",
      });
    throw err;
  }
}

export async function updateWebhook(id: string, input: unknown): Promise<TWebhookView> {
  const parsed = ZWebhookUpdateSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, "The webhook is not valid");
  await find(id);
  const { secret, ...fields } = parsed.data;
  try {
    const row = await db().webhookEndpoint.update({
      where: { id },
      data: {
        ...fields,
        ...(secret === undefined
          ? {}
          : { secretSealed: secret === null ? null : sealWebhookSecret(id, secret) }),
      },
    });
    return webhookView(row);
  } catch (err) {
    if (nameTaken(err))
      throw new AppError("conflict", `A webhook named "${fields.name}" exists already`, {
        name: "Already in use",
      });
    throw err;
  }
}

/** Deletes the endpoint and its delivery log. */
export async function deleteWebhook(id: string): Promise<void> {
  await find(id);
  await db().webhookEndpoint.delete({ where: { id } });
}

/** Sends a `webhook.test` event now (also to a disabled endpoint), through the same queue and log. */
export async function sendTestWebhook(id: string): Promise<{ deliveryId: string }> {
  const row = await find(id);
  const link = new URL("/settings/webhooks", env().WEBOPS_PUBLIC_URL).toString();
  const [deliveryId] = await recordAndQueue(
    [row],
    "webhook.test",
    null,
    testPayload(row.name, link, new Date()),
  );
  if (!deliveryId) throw new Error("The test delivery was not recorded");
  return { deliveryId };
}
