import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { decodeLogEntry, logStreamKey } from "@/lib/logs/line";
import { ownsOperation, startOperationRun } from "@/lib/operations/runner";
import { endPgPool } from "@/lib/pg-pool";
import { createRedis } from "@/lib/redis";
import { storedLines } from "../support/logs";

// A run whose job was handed to another worker while it still lived (its Redis lock lapsed) must not
// write into the log the new run continues: both runs numbering lines from the same place would put
// different lines under one sequence number in Redis and PostgreSQL. The new run takes the operation
// over with a token; the old run's lines are refused in both, and it learns that it was superseded.
const redis = createRedis("blocking");

afterAll(async () => {
  redis.disconnect();
  await endPgPool();
  await disconnectDb();
});

describe("run fencing", () => {
  it("refuses the superseded run's lines in Redis and PostgreSQL; the new run's log stays contiguous", async () => {
    const host = await db().host.create({
      data: {
        name: `fence-${Date.now()}`,
        address: "127.0.0.1",
        port: 22,
        username: "deploy",
        authMethod: "key",
      },
    });
    const op = await db().operation.create({ data: { kind: "host_check", hostId: host.id } });

    const first = await startOperationRun(op.id, redis);
    if (!first) throw new Error("the first run did not start");
    for (let i = 1; i <= 5; i++) first.log.line("stdout", `old run line ${i}`);
    await first.log.close();
    expect(await ownsOperation(op.id, first.log.runToken)).toBe(true);

    // Another worker takes the job over: it continues after the 5 stored lines.
    const second = await startOperationRun(op.id, redis);
    if (!second) throw new Error("the second run did not start");
    expect(await ownsOperation(op.id, first.log.runToken)).toBe(false);
    second.log.line("stdout", "new run line 6");

    // The old run lives on and writes: refused.
    first.log.line("stdout", "old run line, too late");
    await first.log.close();
    expect(first.log.superseded).toBe(true);
    first.log.line("stdout", "old run line, after it learned");

    second.log.line("stdout", "new run line 7");
    await second.log.close();
    expect(second.log.superseded).toBe(false);

    const stored = await storedLines(op.id);
    expect(stored.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(stored.map((l) => l.text).slice(5)).toEqual(["new run line 6", "new run line 7"]);
    const published = (await redis.xrange(logStreamKey(op.id), "-", "+"))
      .map(([id, fields]) => decodeLogEntry(id, fields))
      .filter((e) => e?.type === "lines")
      .flatMap((e) => JSON.parse(`[${(e as { body: string }).body}]`) as { seq: number; text: string }[]);
    expect(published.map((l) => l.text)).not.toContain("old run line, too late");
    expect(published.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
