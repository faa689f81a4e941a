import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateMasterKey, SecretError, seal, sealedKeyId, unseal } from "@/lib/secrets/cipher";
import { createKeyFile, parseMasterKey, readKeyFile } from "@/lib/secrets/master-key";

const key = generateMasterKey();
const secret =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

function flipOneBase64Char(text: string, at: number): string {
  const c = text[at] === "A" ? "B" : "A";
  return text.slice(0, at) + c + text.slice(at + 1);
}

describe("sealed secrets (AES-256-GCM bound to their place)", () => {
  it("round-trips, with a fresh IV each time and no plaintext in the sealed form", () => {
    const a = seal(key, secret, "host:1:privateKey");
    const b = seal(key, secret, "host:1:privateKey");
    expect(a).not.toBe(b);
    expect(a).not.toContain("OPENSSH");
    expect(Buffer.from(a.split(".")[3] ?? "", "base64url").toString("latin1")).not.toContain("OPENSSH");
    expect(unseal(key, a, "host:1:privateKey")).toBe(secret);
    expect(sealedKeyId(a)).toBe(key.id);
  });

  it("refuses a value moved to another host or field", () => {
    const sealed = seal(key, secret, "host:1:privateKey");
    expect(() => unseal(key, sealed, "host:2:privateKey")).toThrow(/failed authentication/);
    expect(() => unseal(key, sealed, "host:1:password")).toThrow(/failed authentication/);
  });

  it("refuses any altered byte", () => {
    const sealed = seal(key, "hunter2", "host:1:password");
    const body = sealed.split(".")[3] ?? "";
    for (let i = 0; i < body.length - 1; i += 3) {
      const parts = sealed.split(".");
      parts[3] = flipOneBase64Char(body, i);
      expect(() => unseal(key, parts.join("."), "host:1:password")).toThrow(SecretError);
    }
  });

  it("names both key ids when a value was sealed under another master key", () => {
    const other = generateMasterKey();
    const sealed = seal(other, "hunter2", "host:1:password");
    expect(() => unseal(key, sealed, "host:1:password")).toThrow(
      new RegExp(`sealed under master key ${other.id}.*configured key is ${key.id}`),
    );
  });
});

describe("master key", () => {
  it("accepts 32 bytes as base64 or hex and refuses anything else with how to make one", () => {
    const bytes = Buffer.alloc(32, 7);
    expect(parseMasterKey(bytes.toString("base64"), "X").id).toBe(
      parseMasterKey(bytes.toString("hex"), "X").id,
    );
    for (const bad of ["", "short", Buffer.alloc(16).toString("base64"), "z".repeat(64)]) {
      expect(() => parseMasterKey(bad, "WEBOPS_SECRET_KEY")).toThrow(
        /WEBOPS_SECRET_KEY must hold 32 random bytes.*openssl rand -base64 32/,
      );
    }
  });

  it("creates the key file with mode 0600, never overwrites it, and refuses one others can read", () => {
    const dir = mkdtempSync(join(tmpdir(), "webops-key-"));
    const path = join(dir, "nested", "secret.key");
    expect(createKeyFile(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const first = readFileSync(path, "utf8");
    expect(createKeyFile(path)).toBe(false);
    expect(readFileSync(path, "utf8")).toBe(first);
    expect(readKeyFile(path).id).toMatch(/^[0-9a-f]{16}$/);
    chmodSync(path, 0o644);
    expect(() => readKeyFile(path)).toThrow(/mode 0644.*chmod 600/);
    expect(() => readKeyFile(join(dir, "missing.key"))).toThrow(
      /No master key: set WEBOPS_SECRET_KEY, or run `npm start`/,
    );
    writeFileSync(join(dir, "bad.key"), "not a key", { mode: 0o600 });
    expect(() => readKeyFile(join(dir, "bad.key"))).toThrow(/must hold 32 random bytes/);
  });
});
