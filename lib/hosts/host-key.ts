import { db } from "../db";
import { AppError } from "../errors";
import type { HostKeyError } from "../ssh";
import type { THostView } from "./schema";
import { hostViewSelect, toHostView } from "./view";

/**
 * The operator trusts the key the host last presented. The fingerprint they saw must be the one on
 * record, so a key that changed again after the page was drawn is not approved by accident.
 */
export async function trustHostKey(hostId: string, fingerprint: unknown): Promise<THostView> {
  if (typeof fingerprint !== "string" || fingerprint === "")
    throw new AppError("validation", "Say which fingerprint you trust", { fingerprint: "Required" });
  const host = await db().host.findUnique({
    where: { id: hostId },
    select: { seenHostKeyFingerprint: true, seenHostKeyType: true },
  });
  if (!host) throw new AppError("not_found", "No such host");
  if (host.seenHostKeyFingerprint === null)
    throw new AppError("conflict", "The host has not presented a new key; check it first");
  if (host.seenHostKeyFingerprint !== fingerprint) {
    throw new AppError(
      "conflict",
      `The host now presents ${host.seenHostKeyFingerprint}, not ${fingerprint}; reload and compare again`,
    );
  }
  const updated = await db().host.update({
    where: { id: hostId },
    data: {
      hostKeyFingerprint: host.seenHostKeyFingerprint,
      hostKeyType: host.seenHostKeyType,
      hostKeyTrustedAt: new Date(),
      seenHostKeyFingerprint: null,
      seenHostKeyType: null,
      seenHostKeyAt: null,
    },
    select: hostViewSelect,
  });
  return toHostView(updated);
}

/** Remembers a key the host presented that is not the pinned one, for the operator to judge. */
export async function recordPresentedHostKey(hostId: string, err: HostKeyError): Promise<void> {
  await db().host.update({
    where: { id: hostId },
    data: {
      seenHostKeyFingerprint: err.presented.fingerprint,
      seenHostKeyType: err.presented.type,
      seenHostKeyAt: new Date(),
    },
  });
}
