import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SshConnection, SshPool, type SshTarget } from "@/lib/ssh";
import { startTestHost, type TestHost } from "../hosts";

// The worker's SSH layer against a real OpenSSH test host: one connection per host, reused,
// bounded channels, timeouts, and a clear error when the connection goes away.
let host: TestHost;
let pool: SshPool;

beforeAll(async () => {
  host = await startTestHost("bare");
  pool = new SshPool({ connectTimeoutMs: 5000, keepaliveMs: 2000, maxChannels: 2, idleMs: 60_000 });
});

afterAll(async () => {
  await pool?.close();
  await host?.stop();
});

const target = async (): Promise<SshTarget> => ({
  name: host.name,
  address: host.address,
  port: host.port,
  username: host.user,
  auth: { kind: "key", privateKey: host.privateKey },
  hostKeyFingerprint: host.hostKeyFingerprint,
});

async function output(connection: SshConnection, program: string, args: string[], timeoutMs?: number) {
  const lines: string[] = [];
  const result = await connection.exec({ program, args, ...(timeoutMs ? { timeoutMs } : {}) }, (_s, text) =>
    lines.push(text),
  );
  return { lines, result };
}

const accepted = async () => ((await host.sshdLog()).match(/Accepted publickey/g) ?? []).length;

describe("SSH connection pool", () => {
  it("reuses one connection for the steps of a job", async () => {
    const before = await accepted();
    for (let step = 0; step < 3; step++) {
      const { lines } = await pool.use("h1", "v1", target, (c) => output(c, "echo", [`step ${step}`]));
      expect(lines).toEqual([`step ${step}`]);
    }
    expect((await accepted()) - before).toBe(1);
    expect(pool.size).toBe(1);
  });

  it("runs at most maxChannels commands at once on a connection, queueing the rest", async () => {
    const script = "s=$(date +%s%N); sleep 0.4; e=$(date +%s%N); echo $s $e";
    const runs = await pool.use("h1", "v1", target, (c) =>
      Promise.all([1, 2, 3, 4, 5].map(() => output(c, "sh", ["-c", script]))),
    );
    const spans = runs.map(({ lines }) => (lines[0] as string).split(" ").map(Number) as [number, number]);
    const maxOverlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));
    expect(maxOverlap).toBeLessThanOrEqual(2);
    expect(runs.every((r) => r.result.exitCode === 0)).toBe(true);
  });

  it("stops a command that runs past its timeout with a clear error", async () => {
    await expect(pool.use("h1", "v1", target, (c) => output(c, "sleep", ["30"], 1500))).rejects.toThrow(
      /^`sleep` on deploy@.* did not finish within 2 s and was stopped\.$/,
    );
  });

  it("fails the running command when the host drops the connection, then connects afresh", async () => {
    // The outcome is captured at once: the rejection arrives while the test awaits the kill.
    const running = pool
      .use("h1", "v1", target, (c) => output(c, "sleep", ["30"]))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    await new Promise((r) => setTimeout(r, 500));
    await host.killConnections();
    expect(String(await running)).toMatch(
      /^SshError: The connection to deploy@.* was lost while running `sleep`\.$/,
    );
    const before = await accepted();
    const { lines } = await pool.use("h1", "v1", target, (c) => output(c, "echo", ["back"]));
    expect(lines).toEqual(["back"]);
    expect((await accepted()) - before).toBe(1);
  });

  it("opens a new connection when the host's settings change", async () => {
    const before = await accepted();
    await pool.use("h1", "v2", target, (c) => output(c, "true", []));
    expect((await accepted()) - before).toBe(1);
  });
});
