import type { PrismaClient } from "../generated/prisma/client";
import { type MasterKey, seal, sealedKeyId, unseal } from "./cipher";
import { deploymentSecretContext, hostSecretContext } from "./contexts";

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
export async function resealAll(db: PrismaClient, current: MasterKey, next: MasterKey): Promise<TRotation> {
  return db.$transaction(
    async (tx) => {
      const hosts = await tx.host.findMany({
        select: { id: true, privateKeySealed: true, passphraseSealed: true, passwordSealed: true },
      });
      const outcome: TRotation = { rows: 0, resealed: 0, alreadyNew: 0 };
      for (const host of hosts) {
        const data: Record<string, string> = {};
        for (const { column, field } of HOST_FIELDS) {
          const sealed = host[column];
          if (sealed === null) continue;
          if (sealedKeyId(sealed) === next.id) {
            outcome.alreadyNew += 1;
            continue;
          }
          const context = hostSecretContext(host.id, field);
          data[column] = seal(next, unseal(current, sealed, context), context);
          outcome.resealed += 1;
        }
        if (Object.keys(data).length > 0) {
          await tx.host.update({ where: { id: host.id }, data });
          outcome.rows += 1;
        }
      }
      const deployments = await tx.deployment.findMany({
        where: { OR: [{ apiKeySealed: { not: null } }, { hfTokenSealed: { not: null } }] },
        select: { id: true, apiKeySealed: true, hfTokenSealed: true },
      });
      for (const deployment of deployments) {
        const data: Record<string, string> = {};
        for (const { column, field } of DEPLOYMENT_FIELDS) {
          const sealed = deployment[column];
          if (sealed === null) continue;
          if (sealedKeyId(sealed) === next.id) {
            outcome.alreadyNew += 1;
            continue;
          }
          const context = deploymentSecretContext(deployment.id, field);
          data[column] = seal(next, unseal(current, sealed, context), context);
          outcome.resealed += 1;
        }
        if (Object.keys(data).length > 0) {
          await tx.deployment.update({ where: { id: deployment.id }, data });
          outcome.rows += 1;
        }
      }
      return outcome;
    },
    { timeout: 120_000 },
  );
}
