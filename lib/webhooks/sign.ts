import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-WebOps-Signature";
export const TIMESTAMP_HEADER = "X-WebOps-Timestamp";

/**
 * `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: the timestamp (seconds) is signed too,
 * so a receiver can refuse an old request replayed.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The receiver's check, as documented in the README. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: number,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
