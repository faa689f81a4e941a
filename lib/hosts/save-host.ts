import { db } from "../db";
import { AppError } from "../errors";
import type { Host, Prisma } from "../generated/prisma/client";
import { parseExpectedHostKey } from "../ssh/host-key";
import { generateKeyPair, readPrivateKey, sealHostSecret, unsealHostSecret } from "./credentials";
import { type THostForm, type THostView, ZHostFormSchema } from "./schema";
import { hostViewSelect, toHostView } from "./view";

const NEEDS_ATTENTION = "Some fields need attention";

function invalid(fields: Record<string, string>): AppError {
  return new AppError("validation", NEEDS_ATTENTION, fields);
}

function parseForm(input: unknown): THostForm {
  const parsed = ZHostFormSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? "form")] ??= issue.message;
    throw invalid(fields);
  }
  return parsed.data;
}

/** Secrets in clear, only between the form and sealing; `null` removes a stored one. */
interface TCredentials {
  authMethod: "key" | "password";
  privateKey?: string | null;
  passphrase?: string | null;
  password?: string | null;
  publicKey?: string | null;
  keyGenerated?: boolean;
}

function credentialsFrom(form: THostForm, existing: Host | undefined): TCredentials {
  if (form.auth === "generate") {
    const pair = generateKeyPair(form.name);
    return { authMethod: "key", ...pair, passphrase: null, password: null, keyGenerated: true };
  }
  if (form.auth === "password") {
    if (form.password)
      return {
        authMethod: "password",
        password: form.password,
        privateKey: null,
        passphrase: null,
        publicKey: null,
        keyGenerated: false,
      };
    if (existing?.authMethod === "password") return { authMethod: "password" };
    throw invalid({ password: "Enter the password" });
  }
  // Key authentication: a new key, or a new passphrase for the stored key, or nothing new.
  let privateKey = form.privateKey;
  if (!privateKey && form.passphrase && existing?.authMethod === "key" && existing.privateKeySealed) {
    privateKey = unsealHostSecret(existing.id, "privateKey", existing.privateKeySealed);
  }
  if (!privateKey) {
    if (existing?.authMethod === "key") return { authMethod: "key" };
    throw invalid({ privateKey: "Paste or upload the private key, or let WebOps generate one" });
  }
  const read = readPrivateKey(privateKey, form.passphrase);
  if ("problem" in read) throw invalid({ [read.field]: read.problem });
  return {
    authMethod: "key",
    privateKey,
    passphrase: form.passphrase ?? null,
    password: null,
    publicKey: read.publicKey,
    keyGenerated: false,
  };
}

/** Pins the key the operator pasted; re-sending the key already pinned changes nothing. */
function pinFrom(form: THostForm, existing: Host | undefined): Prisma.HostUncheckedUpdateInput {
  if (!form.expectedHostKey) return {};
  const expected = parseExpectedHostKey(form.expectedHostKey);
  if (!expected) {
    throw invalid({
      expectedHostKey:
        "Paste a fingerprint (SHA256:...), the host's public key line, or its known_hosts line",
    });
  }
  if (existing && expected.fingerprint === existing.hostKeyFingerprint) return {};
  return {
    hostKeyFingerprint: expected.fingerprint,
    hostKeyType: expected.type,
    hostKeyTrustedAt: new Date(),
    seenHostKeyFingerprint: null,
    seenHostKeyType: null,
    seenHostKeyAt: null,
  };
}

async function checkJumpHost(jumpHostId: string | null, selfId: string | undefined): Promise<void> {
  if (jumpHostId === null) return;
  if (jumpHostId === selfId) throw invalid({ jumpHostId: "A host cannot be its own jump host" });
  // Walk the chain: it must exist, and must not lead back here.
  let next: string | null = jumpHostId;
  for (let depth = 0; next !== null; depth += 1) {
    if (depth >= 3) throw invalid({ jumpHostId: "At most three jump hosts in a chain" });
    const hop: { id: string; jumpHostId: string | null } | null = await db().host.findUnique({
      where: { id: next },
      select: { id: true, jumpHostId: true },
    });
    if (!hop) throw invalid({ jumpHostId: "That jump host does not exist" });
    if (hop.jumpHostId !== null && hop.jumpHostId === selfId)
      throw invalid({ jumpHostId: "That jump host goes through this host: the chain would loop" });
    next = hop.jumpHostId;
  }
}

function sealed(hostId: string, c: TCredentials): Prisma.HostUncheckedUpdateInput {
  const seal = (field: "privateKey" | "passphrase" | "password", value: string | null | undefined) =>
    value === undefined ? undefined : value === null ? null : sealHostSecret(hostId, field, value);
  return {
    authMethod: c.authMethod,
    privateKeySealed: seal("privateKey", c.privateKey),
    passphraseSealed: seal("passphrase", c.passphrase),
    passwordSealed: seal("password", c.password),
    publicKey: c.publicKey,
    keyGenerated: c.keyGenerated,
  };
}

/** The form's fields that are stored as they are (no secret among them). */
function plainFields(form: THostForm) {
  const { name, address, port, username, labels, deployPath, deployConcurrency, jumpHostId } = form;
  return { name, address, port, username, labels, deployPath, deployConcurrency, jumpHostId };
}

function nameTaken(err: unknown, name: string): AppError | undefined {
  if ((err as { code?: string }).code === "P2002")
    return new AppError("conflict", `A host named "${name}" already exists`, { name: "This name is taken" });
  return undefined;
}

export async function createHost(input: unknown): Promise<THostView> {
  const form = parseForm(input);
  const credentials = credentialsFrom(form, undefined);
  const pin = pinFrom(form, undefined);
  await checkJumpHost(form.jumpHostId, undefined);
  const existing = await db().host.findUnique({ where: { name: form.name }, select: { id: true } });
  if (existing) throw nameTaken({ code: "P2002" }, form.name);
  try {
    const id = await db().$transaction(async (tx) => {
      const row = await tx.host.create({
        data: { ...plainFields(form), authMethod: credentials.authMethod },
        select: { id: true },
      });
      // Sealed under the row's id, so the ciphertext only opens as this host's secret.
      await tx.host.update({ where: { id: row.id }, data: { ...sealed(row.id, credentials), ...pin } });
      return row.id;
    });
    return toHostView(await db().host.findUniqueOrThrow({ where: { id }, select: hostViewSelect }));
  } catch (err) {
    throw nameTaken(err, form.name) ?? err;
  }
}

export async function updateHost(id: string, input: unknown): Promise<THostView> {
  const existing = await db().host.findUnique({ where: { id } });
  if (!existing) throw new AppError("not_found", "No such host");
  const form = parseForm(input);
  const credentials = credentialsFrom(form, existing);
  const pin = pinFrom(form, existing);
  await checkJumpHost(form.jumpHostId, id);
  try {
    await db().host.update({
      where: { id },
      data: { ...plainFields(form), ...sealed(id, credentials), ...pin },
    });
  } catch (err) {
    throw nameTaken(err, form.name) ?? err;
  }
  return toHostView(await db().host.findUniqueOrThrow({ where: { id }, select: hostViewSelect }));
}

export async function setHostDisabled(id: string, disabled: boolean): Promise<THostView> {
  const found = await db().host.findUnique({ where: { id }, select: { id: true } });
  if (!found) throw new AppError("not_found", "No such host");
  return toHostView(await db().host.update({ where: { id }, data: { disabled }, select: hostViewSelect }));
}

export async function deleteHost(id: string): Promise<void> {
  const host = await db().host.findUnique({ where: { id }, select: hostViewSelect });
  if (!host) throw new AppError("not_found", "No such host");
  if (host._count.operations > 0) {
    throw new AppError(
      "conflict",
      `${host.name} has ${host._count.operations} operation(s) queued or running; wait for them to finish, then delete it`,
    );
  }
  const jumped = await db().host.findMany({ where: { jumpHostId: id }, select: { name: true } });
  if (jumped.length > 0) {
    throw new AppError(
      "conflict",
      `${host.name} is the jump host of ${jumped.map((h) => h.name).join(", ")}; change those hosts first`,
    );
  }
  await db().host.delete({ where: { id } });
}
