// The baseline: the same remote command read through a plain OpenSSH client (`ssh host cmd`), same
// key, strict host key checking, no multiplexing.
import { spawn } from "node:child_process";
import { type RemoteCommand, toShell } from "../../lib/ssh";
import type { TestHost } from "../../test/hosts";
import type { TClientFiles } from "../prereq/openssh";
import { wallMs } from "./commands";

export interface TRawResult {
  lines: number;
  firstLine: string;
  lastAtMs: number;
  /** Lines `watch` selects, with their arrival time. */
  watched: { atMs: number; text: string }[];
}

export function readRawSsh(
  host: TestHost,
  files: TClientFiles,
  command: RemoteCommand,
  watch: (lineNo: number) => boolean,
): Promise<TRawResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "ssh",
      [
        ...files.sshOptions,
        "-i",
        files.keyFile,
        "-p",
        String(host.port),
        "-l",
        host.user,
        host.address,
        toShell(command),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const result: TRawResult = { lines: 0, firstLine: "", lastAtMs: 0, watched: [] };
    let partial = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const atMs = wallMs();
      const text = partial + chunk;
      let from = 0;
      for (;;) {
        const end = text.indexOf("\n", from);
        if (end < 0) break;
        result.lines += 1;
        if (result.lines === 1) result.firstLine = text.slice(from, end);
        if (watch(result.lines)) result.watched.push({ atMs, text: text.slice(from, end) });
        result.lastAtMs = atMs;
        from = end + 1;
      }
      partial = text.slice(from);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(result);
      else reject(new Error(`ssh exited with ${code}: ${stderr.trim()}`));
    });
  });
}
