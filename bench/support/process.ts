// Runs a program (an argv array, never a shell string) to completion and says how long it took.
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { performance } from "node:perf_hooks";

export interface TRunOptions {
  /** The whole environment of the program; default this process's. */
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL) after this long; the result then says so. */
  timeoutMs?: number;
}

export interface TRunResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Wall-clock seconds from spawn to exit, process start-up included. */
  seconds: number;
  timedOut: boolean;
}

export function runTimed(
  program: string,
  args: readonly string[],
  opts: TRunOptions = {},
): Promise<TRunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(program, args, {
      // Next.js declares NODE_ENV required in ProcessEnv; these programs deliberately go without it.
      env: (opts.env ?? process.env) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${program}: ${err.message}`));
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      resolve({ exitCode, signal, stdout, stderr, seconds, timedOut });
    });
  });
}

/** Like runTimed, but a non-zero exit is an error carrying the command and the end of its output. */
export async function runChecked(
  program: string,
  args: readonly string[],
  opts: TRunOptions = {},
): Promise<TRunResult> {
  const result = await runTimed(program, args, opts);
  if (result.exitCode !== 0) throw new Error(describeFailure(program, args, result));
  return result;
}

export function describeFailure(program: string, args: readonly string[], result: TRunResult): string {
  const how = result.timedOut
    ? "timed out"
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited with ${result.exitCode}`;
  const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-25).join("\n");
  return `\`${[program, ...args].join(" ")}\` ${how}:\n${tail}`;
}

/** `command -v`, without a shell: the first executable `name` on PATH. */
export async function onPath(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (!dir) continue;
    try {
      await access(`${dir}/${name}`, constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
