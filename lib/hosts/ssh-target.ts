import { createHash } from "node:crypto";
import { db } from "../db";
import type { Host } from "../generated/prisma/client";
import type { SshAuth, SshTarget } from "../ssh";
import { unsealHostSecret } from "./credentials";

type THostRow = Host & { jumpHost?: THostRow | null };

const WITH_JUMPS = { jumpHost: { include: { jumpHost: { include: { jumpHost: true } } } } } as const;

function authOf(host: Host): SshAuth {
  if (host.authMethod === "password") {
    if (!host.passwordSealed) throw new Error(`${host.name} has no stored password; edit the host`);
    return { kind: "password", password: unsealHostSecret(host.id, "password", host.passwordSealed) };
  }
  if (!host.privateKeySealed) throw new Error(`${host.name} has no stored private key; edit the host`);
  return {
    kind: "key",
    privateKey: unsealHostSecret(host.id, "privateKey", host.privateKeySealed),
    passphrase: host.passphraseSealed
      ? unsealHostSecret(host.id, "passphrase", host.passphraseSealed)
      : undefined,
  };
}

function toTarget(host: THostRow): SshTarget {
  return {
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    auth: authOf(host),
    hostKeyFingerprint: host.hostKeyFingerprint,
    jump: host.jumpHost ? toTarget(host.jumpHost) : undefined,
  };
}

export interface THostConnectionInfo {
  host: THostRow;
  /** Changes whenever anything the connection depends on changes (address, credentials, pinned key), jump hosts included. */
  version: string;
  /** Unseals the credentials; called only when a connection is actually opened. */
  target: () => Promise<SshTarget>;
}

export async function hostConnectionInfo(hostId: string): Promise<THostConnectionInfo | null> {
  const host: THostRow | null = await db().host.findUnique({ where: { id: hostId }, include: WITH_JUMPS });
  if (!host) return null;
  const hash = createHash("sha256");
  for (let h: THostRow | null | undefined = host; h; h = h.jumpHost) {
    const connectionSettings = [
      h.address,
      h.port,
      h.username,
      h.authMethod,
      h.privateKeySealed,
      h.passphraseSealed,
      h.passwordSealed,
      h.hostKeyFingerprint,
    ];
    hash.update(JSON.stringify(connectionSettings));
  }
  return { host, version: hash.digest("hex"), target: async () => toTarget(host) };
}
