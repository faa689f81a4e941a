import ssh2 from "ssh2";
import { db } from "../db";
import { AppError } from "../errors";
import { type THostView, ZHostCreateSchema } from "./schema";
import { hostViewSelect, toHostView } from "./view";

/** Checks the key is one ssh2 can use; the message never echoes the key. */
function privateKeyProblem(privateKey: string): string | undefined {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    return /encrypted/i.test(parsed.message)
      ? "This key is protected by a passphrase; paste an unencrypted key"
      : "This is not a private key WebOps can read (OpenSSH, RSA, ECDSA or Ed25519 expected)";
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) return "This is a public key; paste the private key";
  return undefined;
}

export async function createHost(input: unknown): Promise<THostView> {
  const parsed = ZHostCreateSchema.safeParse(input);
  if (!parsed.success) {
    const fields = Object.fromEntries(
      parsed.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message]),
    );
    throw new AppError("validation", "Some fields need attention", fields);
  }
  const keyProblem = privateKeyProblem(parsed.data.privateKey);
  if (keyProblem) throw new AppError("validation", "Some fields need attention", { privateKey: keyProblem });

  const existing = await db().host.findUnique({ where: { name: parsed.data.name }, select: { id: true } });
  if (existing)
    throw new AppError("conflict", `A host named "${parsed.data.name}" already exists`, {
      name: "This name is taken",
    });

  const host = await db().host.create({ data: parsed.data, select: hostViewSelect });
  return toHostView(host);
}
