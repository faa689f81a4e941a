import { describe, expect, it } from "vitest";
import { newRecordId } from "@/lib/ids";

describe("newRecordId", () => {
  it("is shaped like Prisma's cuid: c, then 24 lowercase letters and digits", () => {
    for (let i = 0; i < 1000; i++) expect(newRecordId()).toMatch(/^c[0-9a-z]{24}$/);
  });

  it("starts with the time, so a later id sorts after an earlier one", () => {
    const earlier = newRecordId(Date.UTC(2026, 11, 2, 17, 0, 0));
    const later = newRecordId(Date.UTC(2026, 11, 2, 17, 0, 1));
    expect(earlier < later).toBe(true);
    expect(earlier.slice(1, 9)).toBe(Date.UTC(2026, 11, 2, 17, 0, 0).toString(36));
  });

  it("does not repeat across 100,000 ids made in the same millisecond", () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 100_000 }, () => newRecordId(now)));
    expect(ids.size).toBe(100_000);
  });
});
