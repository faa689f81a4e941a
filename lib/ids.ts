import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * A record id made here rather than by Prisma (a statement that inserts several related rows needs
 * them up front), shaped like Prisma's cuid(): 25 characters, a lowercase letter then lowercase
 * letters and digits. `c`, the time in base 36 (8 characters until 2059), then 16 random characters
 * (about 82 bits), so ids made later mostly sort later, as cuids do.
 */
export function newRecordId(now = Date.now()): string {
  const random = randomBytes(16);
  let tail = "";
  // 252 = 7 × 36: bytes at or above it are redrawn, so every character is equally likely.
  for (let i = 0; tail.length < 16; i++) {
    const byte = i < random.length ? (random[i] as number) : (randomBytes(1)[0] as number);
    if (byte < 252) tail += ALPHABET[byte % 36];
  }
  return `c${now.toString(36).padStart(8, "0")}${tail}`;
}
