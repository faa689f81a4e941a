import { Client } from "ssh2";
import { type RemoteCommand, toShell } from "./command";
import { describeConnectError, SshError } from "./errors";

export interface SshTarget {
  address: string;
  port: number;
  username: string;
  privateKey: string;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
}

export type TOutputStream = "stdout" | "stderr";
export type TLineHandler = (stream: TOutputStream, text: string) => void;

export function describeTarget(target: Pick<SshTarget, "address" | "port" | "username">): string {
  return `${target.username}@${target.address}:${target.port}`;
}

/** An open SSH connection to one host; every remote command goes through `exec`. */
export class SshConnection {
  private constructor(
    private readonly client: Client,
    readonly target: string,
  ) {}

  static open(target: SshTarget, opts: { connectTimeoutMs: number }): Promise<SshConnection> {
    const label = describeTarget(target);
    return new Promise((resolve, reject) => {
      const client = new Client();
      let settled = false;
      const fail = (err: SshError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.destroy();
        reject(err);
      };
      // ssh2's readyTimeout covers TCP connect and handshake; the hard timer also covers a host
      // that accepts TCP and then never speaks.
      const timer = setTimeout(
        () => fail(describeConnectError({ level: "client-timeout" }, label, opts.connectTimeoutMs)),
        opts.connectTimeoutMs + 500,
      );
      client
        .once("ready", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(new SshConnection(client, label));
        })
        // Stays attached for the client's life: ssh2 may emit more than one error (a timeout, then
        // "Connection lost before handshake" as the socket is destroyed), and an unheard one would
        // crash the worker.
        .on("error", (err) => fail(describeConnectError(err, label, opts.connectTimeoutMs)))
        .connect({
          host: target.address,
          port: target.port,
          username: target.username,
          privateKey: target.privateKey,
          readyTimeout: opts.connectTimeoutMs,
          keepaliveInterval: 15_000,
          keepaliveCountMax: 3,
        });
    });
  }

  /** Runs a command, calling `onLine` for each complete output line as it arrives. */
  exec(command: RemoteCommand, onLine: TLineHandler): Promise<ExecResult> {
    const timeoutMs = command.timeoutMs ?? 120_000;
    return new Promise((resolve, reject) => {
      this.client.exec(toShell(command), (err, channel) => {
        if (err) {
          reject(
            new SshError(
              "disconnected",
              `Could not start a command on ${this.target}: ${err.message}`,
              this.target,
            ),
          );
          return;
        }
        const stdout = lineSplitter((text) => onLine("stdout", text));
        const stderr = lineSplitter((text) => onLine("stderr", text));
        let exitCode: number | null = null;
        let signal: string | null = null;
        const timer = setTimeout(() => {
          channel.close();
          reject(
            new SshError(
              "command_timeout",
              `Command on ${this.target} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
              this.target,
            ),
          );
        }, timeoutMs);
        channel.on("data", (chunk: Buffer) => stdout.push(chunk));
        channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        channel.on("exit", (code: number | null, sig?: string) => {
          exitCode = code;
          signal = sig ?? null;
        });
        channel.on("close", () => {
          clearTimeout(timer);
          stdout.end();
          stderr.end();
          resolve({ exitCode, signal });
        });
        if (command.stdin !== undefined) channel.end(command.stdin);
        else channel.end();
      });
    });
  }

  close(): void {
    this.client.end();
  }
}

/** Splits a byte stream into lines, decoding UTF-8 across chunk boundaries. */
export function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  return {
    push(chunk) {
      pending += decoder.decode(chunk, { stream: true });
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      for (const part of parts) emit(part.replace(/\r$/, ""));
    },
    end() {
      pending += decoder.decode();
      if (pending !== "") emit(pending.replace(/\r$/, ""));
      pending = "";
    },
  };
}
