import { createHash } from "node:crypto";

/** `SHA256:<base64, no padding>` of the raw key blob, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The algorithm name at the start of an SSH key blob, e.g. "ssh-ed25519". */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const len = keyBlob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > keyBlob.length) return "unknown";
  return keyBlob.subarray(4, 4 + len).toString("ascii");
}

/** The short name OpenSSH shows in parentheses: ssh-ed25519 → ED25519, ssh-rsa → RSA. */
export function keyTypeLabel(type: string): string {
  if (type === "ssh-ed25519") return "ED25519";
  if (type === "ssh-rsa") return "RSA";
  if (type.startsWith("ecdsa-")) return "ECDSA";
  return type.toUpperCase();
}

export interface TExpectedHostKey {
  fingerprint: string;
  type: string | null;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const KEY_TYPE =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/**
 * What an operator may paste as the expected host key: a fingerprint ("SHA256:..."), a public key
 * line ("ssh-ed25519 AAAA... comment") or a known_hosts line ("host ssh-ed25519 AAAA...").
 * Returns undefined when it is none of these.
 */
export function parseExpectedHostKey(text: string): TExpectedHostKey | undefined {
  const trimmed = text.trim();
  const fingerprint = /^(?:\d+\s+)?(SHA256:[A-Za-z0-9+/]{43})=?(?:\s.*)?$/.exec(trimmed);
  if (fingerprint?.[1] && FINGERPRINT.test(fingerprint[1]))
    return { fingerprint: fingerprint[1], type: null };
  const words = trimmed.split(/\s+/);
  // known_hosts lines may start with a marker (@cert-authority is not a host key; @revoked is not trust).
  if (words[0]?.startsWith("@")) return undefined;
  const at = words.findIndex((w) => KEY_TYPE.test(w));
  const blobText = at >= 0 ? words[at + 1] : undefined;
  if (at < 0 || at > 1 || !blobText || !/^[A-Za-z0-9+/]+={0,2}$/.test(blobText)) return undefined;
  const blob = Buffer.from(blobText, "base64");
  const type = words[at] as string;
  if (keyTypeOf(blob) !== type) return undefined;
  return { fingerprint: fingerprintOf(blob), type };
}
