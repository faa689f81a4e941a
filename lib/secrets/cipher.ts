import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

/**
 * Sealed secrets: AES-256-GCM under the master key, bound to where they live (the associated data
 * names the record and field, so a sealed value copied to another host or field does not open).
 *
 *   v1.<key id>.<iv>.<ciphertext + tag>      (base64url parts)
 *
 * The key id lets a reader tell "sealed under another master key" from "tampered with".
 */
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const MASTER_KEY_BYTES = 32;

export class SecretError extends Error {
  constructor(
    readonly code: "wrong_key" | "corrupt" | "bad_master_key",
    message: string,
  ) {
    super(message);
    this.name = "SecretError";
  }
}

export interface MasterKey {
  /** 8 bytes of HMAC over a fixed label, hex: identifies the key without revealing it. */
  readonly id: string;
  readonly bytes: Buffer;
}

export function masterKeyFromBytes(bytes: Buffer): MasterKey {
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new SecretError(
      "bad_master_key",
      `The master key must be ${MASTER_KEY_BYTES} bytes, got ${bytes.length}`,
    );
  }
  const id = createHmac("sha256", bytes).update("webops master key id").digest("hex").slice(0, 16);
  return { id, bytes: Buffer.from(bytes) };
}

export function generateMasterKey(): MasterKey {
  return masterKeyFromBytes(randomBytes(MASTER_KEY_BYTES));
}

/** Where a sealed value lives, e.g. `host:<id>:privateKey`; part of the authenticated data. */
export type SecretContext = string;

export function seal(key: MasterKey, plaintext: string, context: SecretContext): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  cipher.setAAD(Buffer.from(`${VERSION}|${key.id}|${context}`, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, key.id, iv.toString("base64url"), body.toString("base64url")].join(".");
}

export function sealedKeyId(sealed: string): string | undefined {
  const parts = sealed.split(".");
  return parts.length === 4 && parts[0] === VERSION ? parts[1] : undefined;
}

export function unseal(key: MasterKey, sealed: string, context: SecretContext): string {
  const parts = sealed.split(".");
  const [version, keyId, ivPart, bodyPart] = parts;
  if (parts.length !== 4 || version !== VERSION || !ivPart || !bodyPart) {
    throw new SecretError("corrupt", `A stored secret (${context}) is not in a format WebOps knows`);
  }
  if (keyId !== key.id) {
    throw new SecretError(
      "wrong_key",
      `A stored secret (${context}) was sealed under master key ${keyId}, but the configured key is ${key.id}. ` +
        "Configure the key it was sealed with; if a key rotation was interrupted, run `npm run secrets:rotate` again to finish it.",
    );
  }
  const iv = Buffer.from(ivPart, "base64url");
  const body = Buffer.from(bodyPart, "base64url");
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) {
    throw new SecretError("corrupt", `A stored secret (${context}) is truncated`);
  }
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, iv);
  decipher.setAAD(Buffer.from(`${VERSION}|${keyId}|${context}`, "utf8"));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new SecretError(
      "corrupt",
      `A stored secret (${context}) failed authentication: it was altered or moved`,
    );
  }
}
