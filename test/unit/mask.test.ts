import { describe, expect, it } from "vitest";
import { MASK, maskSecrets } from "@/lib/logs/mask";

describe("secrets are masked in log lines", () => {
  it("masks the values known to be secret, longest first", () => {
    expect(maskSecrets("key s3cr3t-key and s3cr3t", ["s3cr3t", "s3cr3t-key"])).toBe(
      `key ${MASK} and ${MASK}`,
    );
    expect(maskSecrets("abc", ["abc"])).toBe("abc"); // too short to be a secret: never masked
  });

  it.each([
    ["token hf_abcdefghijklmnopqrstuvwxyz0123 used", `token ${MASK} used`],
    ["> Authorization: Bearer sk-live-123456", `> Authorization: Bearer ${MASK}`],
    ["vllm serve m --api-key abc123def --port 8000", `vllm serve m --api-key ${MASK} --port 8000`],
    ["vllm serve m --api-key=abc123def", `vllm serve m --api-key=${MASK}`],
    ["export HF_TOKEN=hf_x1 VLLM_API_KEY=k2", `export HF_TOKEN=${MASK} VLLM_API_KEY=${MASK}`],
    ["DB_PASSWORD=hunter2 done", `DB_PASSWORD=${MASK} done`],
    [
      "pip install --index-url https://user:pa55@mirror.lab/simple vllm",
      `pip install --index-url https://user:${MASK}@mirror.lab/simple vllm`,
    ],
  ])("masks %j", (line, masked) => {
    expect(maskSecrets(line)).toBe(masked);
  });

  it("leaves ordinary output alone", () => {
    for (const line of [
      "Setting up libnuma-dev:amd64 (2.0.16-1) ...",
      "INFO 11-25 12:00:00 api_server.py:100] Starting vLLM API server on http://127.0.0.1:8000",
      "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
    ]) {
      expect(maskSecrets(line)).toBe(line);
    }
  });
});
