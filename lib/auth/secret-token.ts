import { createHash, randomBytes } from "node:crypto";

/**
 * A random token for a session cookie or an API token: 32 bytes (256 bits) as base64url, after a
 * prefix that says what it is. High-entropy tokens need no slow hash: what is stored is the token's
 * SHA-256, so a database dump signs nobody in.
 */
export function newSecretToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
