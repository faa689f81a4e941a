import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";
import { ensureDebianPackages, onPath } from "./packages";

/**
 * Project-local PostgreSQL and Redis: their own ports and data under a folder of the project,
 * never the machine's system services. Every function is idempotent.
 */

const isRoot = process.getuid?.() === 0;

function postgresBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : undefined;
}

export function ensureServicePackages(opts: { postgres: boolean; redis: boolean }): void {
  ensureDebianPackages([
    ...(opts.postgres ? [{ pkg: "postgresql", present: () => postgresBinDir() !== undefined }] : []),
    ...(opts.redis ? [{ pkg: "redis-server", present: () => onPath("redis-server") }] : []),
  ]);
}

function secretFile(path: string): string {
  if (!existsSync(path)) writeFileSync(path, randomBytes(18).toString("base64url"), { mode: 0o600 });
  return readFileSync(path, "utf8").trim();
}

function pidAlive(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user. */
function asPostgresUser(bin: string, args: string[]): string[] {
  return isRoot ? ["runuser", "-u", "postgres", "--", bin, ...args] : [bin, ...args];
}

function run(argv: string[], quiet = false): void {
  const [cmd, ...args] = argv;
  execFileSync(cmd as string, args, { stdio: quiet ? "ignore" : ["ignore", "inherit", "inherit"] });
}

/**
 * The cluster directory. As root, the postgres user must be able to reach it; when the project
 * lives somewhere it cannot traverse (e.g. under /root), the cluster lives under /var/lib/webops
 * and the project's data folder holds a symlink to it.
 */
function clusterDir(dataDir: string): string {
  const link = join(dataDir, "postgres");
  if (existsSync(link) || !isRoot) return link;
  const reachable = spawnSync("runuser", ["-u", "postgres", "--", "test", "-x", dataDir]).status === 0;
  if (reachable) return link;
  const hash = createHash("sha256").update(resolve(dataDir)).digest("hex").slice(0, 12);
  const outside = `/var/lib/webops/${hash}/postgres`;
  mkdirSync(outside, { recursive: true });
  symlinkSync(outside, link);
  return link;
}

export async function startPostgres(dataDir: string, port: number): Promise<string> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql");
  mkdirSync(dataDir, { recursive: true });
  const password = secretFile(join(dataDir, "postgres.password"));
  const dir = clusterDir(dataDir);
  if (isRoot) {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o700);
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(dir, uid, gid);
  }
  if (!existsSync(join(dir, "PG_VERSION"))) {
    const pwfile = join(dir, "..", ".pwfile");
    writeFileSync(pwfile, password, { mode: 0o644 });
    try {
      run(
        asPostgresUser(join(bin, "initdb"), [
          "-D",
          dir,
          "-U",
          "webops",
          `--pwfile=${pwfile}`,
          "--auth=scram-sha-256",
          "-E",
          "UTF8",
          "--no-instructions",
        ]),
        true,
      );
    } finally {
      execFileSync("rm", ["-f", pwfile]);
    }
  }
  if (!pidAlive(join(dir, "postmaster.pid"))) {
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
    run(
      asPostgresUser(join(bin, "pg_ctl"), [
        "-D",
        dir,
        "-l",
        join(dir, "server.log"),
        "-o",
        options,
        "-w",
        "-t",
        "60",
        "start",
      ]),
      true,
    );
  }
  const admin = `postgresql://webops:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const client = new pg.Client({ connectionString: `${admin}/postgres` });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'webops'");
    if (exists.rowCount === 0) await client.query("CREATE DATABASE webops");
  } finally {
    await client.end();
  }
  return `${admin}/webops`;
}

export function stopPostgres(dataDir: string): void {
  const bin = postgresBinDir();
  const dir = join(dataDir, "postgres");
  if (!bin || !pidAlive(join(dir, "postmaster.pid"))) return;
  run(asPostgresUser(join(bin, "pg_ctl"), ["-D", dir, "-m", "fast", "-w", "stop"]), true);
}

export async function startRedis(dataDir: string, port: number): Promise<string> {
  const dir = join(dataDir, "redis");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = secretFile(join(dataDir, "redis.password"));
  const pidFile = join(dir, "redis.pid");
  const url = `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  if (!pidAlive(pidFile)) {
    // The password goes in a config file, not argv, so `ps` does not show it.
    const conf = join(dir, "redis.conf");
    writeFileSync(
      conf,
      [
        "bind 127.0.0.1",
        `port ${port}`,
        `dir ${dir}`,
        `pidfile ${pidFile}`,
        `logfile ${join(dir, "redis.log")}`,
        "daemonize yes",
        "appendonly yes",
        `requirepass ${password}`,
      ].join("\n"),
      { mode: 0o600 },
    );
    run(["redis-server", conf], true);
  }
  await waitFor(
    async () => {
      const r = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "ping"], {
        env: { ...process.env, REDISCLI_AUTH: password },
      });
      return r.stdout?.toString().trim() === "PONG";
    },
    15_000,
    `Redis on 127.0.0.1:${port} did not answer; see ${join(dir, "redis.log")}`,
  );
  return url;
}

export async function stopRedis(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, "redis", "redis.pid");
  if (!pidAlive(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  process.kill(pid, "SIGTERM");
  await waitFor(async () => !pidAlive(pidFile), 15_000, `Redis (pid ${pid}) did not stop`);
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(message);
}

/** Drops the database a URL names (tests start from an empty one); connects to `postgres` to do it. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`Refusing to drop a database named ${JSON.stringify(name)}`);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
