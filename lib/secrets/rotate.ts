import type { PrismaClient } from "../generated/prisma/client";
import { type MasterKey, seal, sealedKeyId, unseal } from "./cipher";
import { deploymentSecretContext, hostSecretContext, webhookSecretContext } from "./contexts";

/** Every sealed column, with the context its values are bound to. New sealed columns go here. */
const HOST_FIELDS = [
  { column: "privateKeySealed", field: "privateKey" },
  { column: "passphraseSealed", field: "passphrase" },
  { column: "passwordSealed", field: "password" },
] as const;

const DEPLOYMENT_FIELDS = [
  { column: "apiKeySealed", field: "apiKey" },
  { column: "hfTokenSealed", field: "hfToken" },
] as const;

export interface TRotation {
  rows: number;
  resealed: number;
  /** Already under the new key (a rotation that was interrupted and is being finished). */
  alreadyNew: number;
}

/**
 * Re-seals every stored secret under `next`, in one transaction: either all move or none do.
 * Values already sealed under `next` are left alone, so running it again finishes an interrupted run.
 */
/**
 * The re-sealed columns of one row (values already under `next` are counted and left alone).
 * Each context binds its value to the row and field it was sealed for.
 */
function resealRow<C extends string>(
  row: Record<C, string | null>,
  fields: readonly { column: C; context: string }[],
  keys: { current: MasterKey; next: MasterKey },
  outcome: TRotation,
): Partial<Record<C, string>> {
  const data: Partial<Record<C, string>> = {};
  for (const { column, context } of fields) {
    const sealed = row[column];
    if (sealed === null) continue;
    if (sealedKeyId(sealed) === keys.next.id) {
      outcome.alreadyNew += 1;
      continue;
    }
    data[column] = seal(keys.next, unseal(keys.current, sealed, context), context);
    outcome.resealed += 1;
  }
  if (Object.keys(data).length > 0) outcome.rows += 1;
  return data;
}

/**
 * Re-seals every stored secret under `next`, in one transaction: either all move or none do.
 * Values already sealed under `next` are left alone, so running it again finishes an interrupted run.
 */
export async function resealAll(db: PrismaClient, current: MasterKey, next: MasterKey): Promise<TRotation> {
  const keys = { current, next };
  return db.$transaction(
    async (tx) => {
      const outcome: TRotation = { rows: 0, resealed: 0, alreadyNew: 0 };
      const hosts = await tx.host.findMany({
        select: { id: true, privateKeySealed: true, passphraseSealed: true, passwordSealed: true },
      });
      for (const host of hosts) {
        const fields = HOST_FIELDS.map((f) => ({
          column: f.column,
          context: hostSecretContext(host.id, f.field),
        }));
        const data = resealRow(host, fields, keys, outcome);
        if (Object.keys(data).length > 0) await tx.host.update({ where: { id: host.id }, data });
      }
      const deployments = await tx.deployment.findMany({
        where: { OR: [{ apiKeySealed: { not: null } }, { hfTokenSealed: { not: null } }] },
        select: { id: true, apiKeySealed: true, hfTokenSealed: true },
      });
      for (const deployment of deployments) {
        const fields = DEPLOYMENT_FIELDS.map((f) => ({
          column: f.column,
          context: deploymentSecretContext(deployment.id, f.field),
        }));
        const data = resealRow(deployment, fields, keys, outcome);
        if (Object.keys(data).length > 0) await tx.deployment.update({ where: { id: deployment.id }, data });
      }
      const webhooks = await tx.webhookEndpoint.findMany({
        where: { secretSealed: { not: null } },
        select: { id: true, secretSealed: true },
      });
      for (const webhook of webhooks) {
        const fields = [{ column: "secretSealed" as const, context: webhookSecretContext(webhook.id) }];
        const data = resealRow(webhook, fields, keys, outcome);
        if (Object.keys(data).length > 0)
          await tx.webhookEndpoint.update({ where: { id: webhook.id }, data });
      }
      return outcome;
    },
    { timeout: 120_000 },
  );
}
