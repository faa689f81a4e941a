import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { prisma } from "../../scripts/lib/app-processes";

// The first start of an empty database creates an admin and prints a one-time password once; with
// WEBOPS_ADMIN_PASSWORD it uses that; later starts create nothing. Run as `npm start` runs it (a
// separate process), against a database of its own on the test PostgreSQL.
const name = `webops_first_admin_${randomBytes(4).toString("hex")}`;
const admin = new URL(process.env.DATABASE_URL as string);
const url = new URL(admin);
url.pathname = `/${name}`;

async function sql<T>(text: string, database = url): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.toString() });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

function firstStart(env: Record<string, string>): string {
  return execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      'import("./scripts/lib/first-admin.ts").then((m) => m.ensureFirstAdmin(process.env, "http://127.0.0.1:3000")).then(() => process.exit(0))',
    ],
    { env: { ...process.env, DATABASE_URL: url.toString(), ...env }, encoding: "utf8" },
  );
}

beforeAll(async () => {
  await sql(`CREATE DATABASE ${name}`, admin);
  prisma(["migrate", "deploy"], { ...process.env, DATABASE_URL: url.toString() });
}, 120_000);

afterAll(async () => {
  await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, admin);
});

describe("the first admin", () => {
  it("is created once with a generated password printed once; later starts print nothing", async () => {
    const out = firstStart({ WEBOPS_ADMIN_EMAIL: "Root@Example.org", WEBOPS_ADMIN_PASSWORD: "" });
    expect(out).toContain("created the admin root@example.org");
    const password = /one-time password \(shown only now\): (\S+)/.exec(out)?.[1] ?? "";
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    const rows = await sql<{ email: string; role: string; passwordHash: string }>(
      `SELECT email, role, "passwordHash" FROM "User"`,
    );
    expect(rows.map((r) => [r.email, r.role])).toEqual([["root@example.org", "admin"]]);
    expect(rows[0]?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(rows[0]?.passwordHash ?? "", password)).toBe(true);

    const again = firstStart({ WEBOPS_ADMIN_PASSWORD: "another password 123" });
    expect(again).toBe("");
    expect(await sql(`SELECT 1 FROM "User"`)).toHaveLength(1);
  });

  it("takes WEBOPS_ADMIN_PASSWORD, and refuses one too short without creating anyone", async () => {
    await sql(`DELETE FROM "User"`);
    expect(() => firstStart({ WEBOPS_ADMIN_PASSWORD: "short" })).toThrow(/At least 12 characters/);
    expect(await sql(`SELECT 1 FROM "User"`)).toHaveLength(0);
    const out = firstStart({ WEBOPS_ADMIN_PASSWORD: "a long enough password" });
    expect(out).toContain("created the admin admin@webops.local");
    expect(out).toContain("its password is WEBOPS_ADMIN_PASSWORD");
    expect(out).not.toContain("a long enough password");
    const [row] = await sql<{ passwordHash: string }>(`SELECT "passwordHash" FROM "User"`);
    expect(await verifyPassword(row?.passwordHash ?? "", "a long enough password")).toBe(true);
  });
});
