import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "./services";

/** The web app and the worker as background processes with pid files under the data folder. */
export type TAppProcess = "web" | "worker";

const COMMANDS: Record<TAppProcess, (port: number, bind: string) => string[]> = {
  web: (port, bind) => ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", bind],
  worker: () => ["--import", "tsx", "workers/index.ts"],
};

function pidFile(dataDir: string, name: TAppProcess): string {
  return join(dataDir, "run", `${name}.pid`);
}

export function runningPid(dataDir: string, name: TAppProcess): number | undefined {
  const file = pidFile(dataDir, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8"));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export function startAppProcess(
  name: TAppProcess,
  opts: { dataDir: string; port: number; bind: string; env: NodeJS.ProcessEnv },
): number {
  mkdirSync(join(opts.dataDir, "run"), { recursive: true });
  mkdirSync(join(opts.dataDir, "logs"), { recursive: true });
  const log = openSync(join(opts.dataDir, "logs", `${name}.log`), "a");
  const child = spawn(process.execPath, COMMANDS[name](opts.port, opts.bind), {
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...opts.env, NODE_ENV: "production", WEBOPS_PROCESS_ROLE: name },
  });
  child.unref();
  if (!child.pid) throw new Error(`Could not start the ${name} process`);
  writeFileSync(pidFile(opts.dataDir, name), String(child.pid));
  return child.pid;
}

/** Stops the process group (the web app forks helpers), SIGTERM first, SIGKILL after 10 s. */
export async function stopAppProcess(dataDir: string, name: TAppProcess): Promise<boolean> {
  const pid = runningPid(dataDir, name);
  rmSync(pidFile(dataDir, name), { force: true });
  if (!pid) return false;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor(async () => !alive(), 10_000, "").catch(() => signal("SIGKILL"));
  return true;
}

export function prisma(args: string[], env: NodeJS.ProcessEnv): void {
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env,
  });
}

export async function waitForHealth(url: string, timeoutMs: number, logFile: string): Promise<void> {
  await waitFor(
    async () => (await fetch(`${url}/api/health`)).ok,
    timeoutMs,
    `The web app did not become healthy within ${timeoutMs / 1000} s; see ${logFile}`,
  );
}
