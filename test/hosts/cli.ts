// Command line for the test-host harness (needs root):
//   npx tsx test/hosts/cli.ts prepare [bare|nosudo|ready ...]   build the rootfs caches (default: all)
//   npx tsx test/hosts/cli.ts start <profile> [--name <name>]   start one host, print it as JSON, run until SIGINT/SIGTERM
//   npx tsx test/hosts/cli.ts clean [--all]                     tear down leftovers of crashed runs
import { ensureRootfs, type HostProfile, startTestHost } from "./index";
import { cleanStaleBuilds } from "./rootfs";
import { cleanStateDirs } from "./state";

const PROFILES: readonly HostProfile[] = ["bare", "nosudo", "ready"];

function parseProfile(s: string | undefined): HostProfile {
  const p = PROFILES.find((x) => x === s);
  if (!p) throw new Error(`profile must be one of ${PROFILES.join(", ")}, got ${JSON.stringify(s)}`);
  return p;
}

async function prepare(args: string[]): Promise<void> {
  const profiles = args.length > 0 ? args.map(parseProfile) : PROFILES;
  for (const profile of profiles) {
    const started = Date.now();
    const dir = await ensureRootfs(profile);
    console.log(`${profile}: ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

async function start(args: string[]): Promise<void> {
  const profile = parseProfile(args[0]);
  const nameAt = args.indexOf("--name");
  const name = nameAt >= 0 ? args[nameAt + 1] : undefined;
  const started = Date.now();
  const host = await startTestHost(profile, name !== undefined ? { name } : {});
  const { stop, ...fields } = host;
  console.log(JSON.stringify(fields, null, 2));
  process.stderr.write(`[webops-hosts] ${host.name} up in ${Date.now() - started} ms; Ctrl-C stops it\n`);
  // Stay in the foreground; the timer keeps the event loop alive until a signal arrives.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      clearInterval(keepAlive);
      stop().then(resolve, (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}

async function clean(args: string[]): Promise<void> {
  for (const dir of cleanStateDirs(args.includes("--all"))) console.log(`removed ${dir}`);
  for (const dir of await cleanStaleBuilds()) console.log(`removed ${dir}`);
}

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === "prepare") return prepare(args);
  if (cmd === "start") return start(args);
  if (cmd === "clean") return clean(args);
  console.error("usage: cli.ts prepare [profiles...] | start <profile> [--name <name>] | clean [--all]");
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
