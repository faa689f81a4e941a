import ssh2 from "ssh2";

export interface TKeyPair {
  /** OpenSSH private key (encrypted when a passphrase was given). */
  private: string;
  /** authorized_keys line: "ssh-ed25519 AAAA... comment". */
  public: string;
}

/**
 * A fresh Ed25519 key pair. ssh2 (up to 1.17 at least, mscdex/ssh2#1390) drops a leading zero byte
 * of the public key, about one pair in 256, and OpenSSH then refuses that key; such pairs are
 * generated again until the public key has its full 32 bytes.
 */
export function generateEd25519KeyPair(
  opts: { comment?: string; passphrase?: string; rounds?: number } = {},
): TKeyPair {
  const base = opts.comment ? { comment: opts.comment } : {};
  for (;;) {
    const pair = opts.passphrase
      ? ssh2.utils.generateKeyPairSync("ed25519", {
          ...base,
          passphrase: opts.passphrase,
          cipher: "aes256-ctr",
          rounds: opts.rounds ?? 16,
        })
      : ssh2.utils.generateKeyPairSync("ed25519", base);
    // Blob: string "ssh-ed25519" (4 + 11 bytes), then string key (4 + 32 bytes).
    const blob = Buffer.from(pair.public.split(" ")[1] ?? "", "base64");
    if (blob.length === 51 && blob.readUInt32BE(15) === 32)
      return { private: pair.private, public: pair.public.trim() };
  }
}
