import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db";
import { pgPool } from "@/lib/pg-pool";
import { generateEd25519KeyPair } from "@/lib/ssh/keygen";
import { startTestHost, type TestHost } from "../hosts";
import { storedLines } from "../support/logs";
import { addHost, runCheck } from "../support/operations";

// The whole path below the browser: a record and a BullMQ job from lib/, the real worker process
// (started by test/setup/system.ts) connecting with ssh2 to a real OpenSSH test host.
let host: TestHost;
let tarpit: Server;
const tarpitSockets: Socket[] = [];
const TARPIT = { address: "127.0.0.1", port: 0 };

beforeAll(async () => {
  host = await startTestHost("bare");
  // A peer that accepts TCP and then never speaks, as a host behind a broken firewall or a hung sshd.
  tarpit = createServer((socket) => tarpitSockets.push(socket));
  await new Promise<void>((resolve) => tarpit.listen(0, TARPIT.address, resolve));
  TARPIT.port = (tarpit.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of tarpitSockets) s.destroy();
  tarpit?.close();
  await host?.stop();
  await disconnectDb();
});

async function check(override: { address?: string; port?: number; privateKey?: string }) {
  const created = await addHost(host, override);
  return runCheck(created.id);
}

describe("host check through the worker", () => {
  it("gathers the facts of a bare Debian host and stores them with the full log", async () => {
    const { operation, texts } = await check({});
    expect(operation.status).toBe("succeeded");
    expect(operation.host.reachable).toBe(true);
    expect(operation.host.facts).toMatchObject({
      os: "Debian GNU/Linux 12 (bookworm)",
      osId: "debian",
      python3: expect.stringMatching(/^3\.11\./),
    });
    expect(texts).toContain("os_id=debian");
    const stored = await storedLines(operation.id);
    expect(stored.map((l) => l.text)).toEqual(texts);
    expect(operation.lineCount).toBe(texts.length);
    // The finished log's chunks join the log search's index just after the final status is written.
    const chunks = async () =>
      (await pgPool().query(`SELECT searchable FROM "LogChunk" WHERE "operationId" = $1`, [operation.id]))
        .rows as { searchable: boolean }[];
    const deadline = Date.now() + 10_000;
    while (!(await chunks()).every((r) => r.searchable) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const rows = await chunks();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.searchable === true)).toBe(true);
  });

  it.each([
    [
      "a wrong key",
      () => ({ privateKey: generateEd25519KeyPair().private }),
      /^Authentication failed for deploy@.*authorized_keys/,
    ],
    [
      "a closed port",
      () => ({ port: host.port + 1 }),
      /^Connection refused by .*nothing is listening on that port/,
    ],
    [
      "an address that never answers",
      () => ({ address: TARPIT.address, port: TARPIT.port }),
      /^No SSH answer from .* within 10 s/,
    ],
  ])("fails with a clear reason within 15 s for %s", async (_label, override, reason) => {
    const { operation, texts, elapsedMs } = await check(override());
    expect(operation.status).toBe("failed");
    expect(operation.error).toMatch(reason);
    expect(texts.at(-1)).toBe(`Host check failed: ${operation.error}`);
    expect(operation.host.reachable).toBe(false);
    expect(elapsedMs).toBeLessThan(15_000);
  });
});
