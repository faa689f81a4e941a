// `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql from
// the difference between the committed schema (HEAD) and the working one. `prisma migrate dev` is
// unreliable with the offline JS engine, and even a diff of two datamodels makes the JS engine
// connect: it uses DATABASE_URL when set, else a throwaway PostgreSQL it starts and stops itself.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureServicePackages, startPostgres, stopPostgres } from "./lib/services";

const name = process.argv[2] ?? "";
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name>   (lower-case letters, digits and _)");
  process.exit(2);
}

function committedSchema(): string | undefined {
  try {
    return execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "webops-migration-"));
  let pgDir: string | undefined;
  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      ensureServicePackages({ postgres: true, redis: false });
      pgDir = join(".data", "migration-pg");
      databaseUrl = await startPostgres(pgDir, Number(process.env.WEBOPS_MIGRATION_PG_PORT ?? 54349));
    }
    const previous = committedSchema();
    const from =
      previous === undefined ? ["--from-empty"] : ["--from-schema-datamodel", join(work, "previous.prisma")];
    if (previous !== undefined) writeFileSync(join(work, "previous.prisma"), previous);
    const sql = execFileSync(
      "node_modules/.bin/prisma",
      ["migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join("prisma", "migrations", `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "migration.sql"), sql);
    console.log(`wrote ${dir}/migration.sql`);
  } finally {
    if (pgDir) stopPostgres(pgDir);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
