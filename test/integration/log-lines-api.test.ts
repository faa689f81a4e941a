import { expect, it } from "vitest";
import { db } from "@/lib/db";
import { testUrl } from "../setup/system-config";
import { storeLines } from "../support/logs";

// The stored-lines endpoint a viewer loads history from before it follows the live stream.
it("serves stored lines in pages after a line number, and refuses bad parameters", async () => {
  const host = await db().host.create({
    data: { name: `lines-${Date.now()}`, address: "127.0.0.1", username: "deploy", authMethod: "key" },
  });
  const op = await db().operation.create({
    data: { kind: "host_check", hostId: host.id, status: "succeeded" },
  });
  // Two chunks (1-2, 3), so a page can start and end inside one or across both.
  await storeLines(
    op.id,
    [1, 2, 3].map((seq) => ({
      seq,
      stream: seq === 2 ? ("stderr" as const) : ("stdout" as const),
      text: `line ${seq} "quoted"`,
      at: new Date(Date.UTC(2026, 10, 25, 12, 0, seq)).toISOString(),
      ...(seq === 3 ? { stage: "install-runtime" } : {}),
    })),
    2,
  );
  const page = async (query: string) => {
    const res = await fetch(testUrl(`/api/operations/${op.id}/lines${query}`));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  expect((await page("?after=1&limit=1")).body).toEqual({
    lines: [{ seq: 2, stream: "stderr", text: 'line 2 "quoted"', at: "2026-11-25T12:00:02.000Z" }],
    lastSeq: 2,
    more: true,
  });
  expect((await page("?after=2")).body).toEqual({
    lines: [
      {
        seq: 3,
        stream: "stdout",
        text: 'line 3 "quoted"',
        at: "2026-11-25T12:00:03.000Z",
        stage: "install-runtime",
      },
    ],
    lastSeq: 3,
    more: false,
  });
  expect((await page("?after=3")).body).toEqual({ lines: [], lastSeq: 3, more: false });
  for (const bad of ["?after=-1", "?after=1e3", "?limit=20001", "?after=x"]) {
    const res = await page(bad);
    expect(res.status, bad).toBe(400);
    expect(res.body.error).toMatch(/must be a whole number/);
  }
  const missing = await fetch(testUrl("/api/operations/nope/lines"));
  expect(missing.status).toBe(404);
});
