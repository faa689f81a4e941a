import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fingerprintOf, keyTypeOf, parseExpectedHostKey } from "@/lib/ssh/host-key";

// Real keys from OpenSSH's ssh-keygen, and its own fingerprints to compare against.
function opensshKey(type: "ed25519" | "rsa" | "ecdsa") {
  const dir = mkdtempSync(join(tmpdir(), "webops-hostkey-"));
  const path = join(dir, `ssh_host_${type}_key`);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "root@box", "-f", path]);
  const publicLine = readFileSync(`${path}.pub`, "utf8").trim();
  const printed = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${path}.pub`], {
    encoding: "utf8",
  });
  return { publicLine, sshKeygenFingerprint: printed.split(" ")[1] as string };
}

describe("host key fingerprints, as OpenSSH prints them", () => {
  it.each(["ed25519", "rsa", "ecdsa"] as const)("matches ssh-keygen -l for %s keys", (type) => {
    const { publicLine, sshKeygenFingerprint } = opensshKey(type);
    const blob = Buffer.from(publicLine.split(" ")[1] as string, "base64");
    expect(fingerprintOf(blob)).toBe(sshKeygenFingerprint);
    expect(keyTypeOf(blob)).toBe(publicLine.split(" ")[0]);
  });

  it("reads an expected key from a fingerprint, a public key line or a known_hosts line", () => {
    const { publicLine, sshKeygenFingerprint } = opensshKey("ed25519");
    const [type, blob] = publicLine.split(" ");
    expect(parseExpectedHostKey(sshKeygenFingerprint)).toEqual({
      fingerprint: sshKeygenFingerprint,
      type: null,
    });
    expect(parseExpectedHostKey(`256 ${sshKeygenFingerprint} root@box (ED25519)`)?.fingerprint).toBe(
      sshKeygenFingerprint,
    );
    expect(parseExpectedHostKey(publicLine)).toEqual({ fingerprint: sshKeygenFingerprint, type });
    expect(parseExpectedHostKey(`[gpu1.lab]:2222,10.0.0.12 ${type} ${blob}`)).toEqual({
      fingerprint: sshKeygenFingerprint,
      type,
    });
    expect(parseExpectedHostKey(`|1|salt=|hash= ${type} ${blob}\n`)?.fingerprint).toBe(sshKeygenFingerprint);
  });

  it.each([
    "",
    "SHA256:short",
    "MD5:12:34",
    "ssh-ed25519 not-base64!",
    "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIK", // the blob says ed25519, the line says rsa
    "@cert-authority *.lab ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
  ])("refuses %j", (text) => {
    expect(parseExpectedHostKey(text)).toBeUndefined();
  });
});
