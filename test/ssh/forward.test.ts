import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshConnection, SshError, type SshTarget } from "@/lib/ssh";
import { startTestHost, type TestHost } from "../hosts";

// SshConnection.openTcp (a direct-tcpip channel, what `ssh -L` uses) against real OpenSSH test
// hosts: how the playground and the load test reach a vLLM bound to its host's loopback.
let host: TestHost;
let noForwarding: TestHost;
let echo: Server;
let echoPort = 0;

const targetOf = (h: TestHost): SshTarget => ({
  name: h.name,
  address: h.address,
  port: h.port,
  username: h.user,
  auth: { kind: "key", privateKey: h.privateKey },
  hostKeyFingerprint: h.hostKeyFingerprint,
});

beforeAll(async () => {
  [host, noForwarding] = await Promise.all([
    startTestHost("bare", { name: "fwd" }),
    startTestHost("bare", { name: "nofwd", allowTcpForwarding: false }),
  ]);
  // The test hosts share this machine's network, so a server on 127.0.0.1 here is on their loopback.
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoPort = (echo.address() as { port: number }).port;
}, 120_000);

afterAll(async () => {
  echo?.close();
  await Promise.all([host?.stop(), noForwarding?.stop()]);
});

function roundTrip(stream: NodeJS.ReadWriteStream, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    stream.on("data", (chunk: Buffer) => {
      got += chunk.toString();
      if (got.length >= text.length) resolve(got);
    });
    stream.on("error", reject);
    stream.write(text);
  });
}

describe("SshConnection.openTcp", () => {
  it("opens TCP streams from the host to its loopback, many at once, without taking command slots", async () => {
    const connection = await SshConnection.open(targetOf(host), { connectTimeoutMs: 5000, maxChannels: 2 });
    try {
      const streams = await Promise.all(
        Array.from({ length: 40 }, () => connection.openTcp("127.0.0.1", echoPort)),
      );
      const answers = await Promise.all(streams.map((s, i) => roundTrip(s, `ping ${i}\n`)));
      expect(answers).toEqual(streams.map((_, i) => `ping ${i}\n`));
      // Both command slots are still free while 40 forwards are open.
      const lines: string[] = [];
      const [a, b] = await Promise.all([
        connection.exec({ program: "echo", args: ["one"] }, (_s, t) => lines.push(t)),
        connection.exec({ program: "echo", args: ["two"] }, (_s, t) => lines.push(t)),
      ]);
      expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
      expect(lines.sort()).toEqual(["one", "two"]);
      for (const s of streams) s.destroy();
    } finally {
      connection.close();
    }
  });

  it("fails with a forward error naming the address when nothing listens there", async () => {
    const connection = await SshConnection.open(targetOf(host), { connectTimeoutMs: 5000 });
    try {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      const err = await connection.openTcp("127.0.0.1", port).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SshError);
      expect((err as SshError).failure).toBe("forward");
      expect((err as SshError).message).toContain(`127.0.0.1:${port}`);
    } finally {
      connection.close();
    }
  });

  it("fails with a forward error that names AllowTcpForwarding when the host's sshd forbids forwarding", async () => {
    const connection = await SshConnection.open(targetOf(noForwarding), { connectTimeoutMs: 5000 });
    try {
      const err = await connection.openTcp("127.0.0.1", echoPort).catch((e: unknown) => e);
      expect((err as SshError).failure).toBe("forward");
      expect((err as SshError).message).toMatch(/AllowTcpForwarding/);
    } finally {
      connection.close();
    }
  });

  it("refuses at once on a closed connection", async () => {
    const connection = await SshConnection.open(targetOf(host), { connectTimeoutMs: 5000 });
    connection.close();
    await new Promise((r) => setTimeout(r, 100));
    const err = await connection.openTcp("127.0.0.1", echoPort).catch((e: unknown) => e);
    expect((err as SshError).failure).toBe("disconnected");
  });
});
