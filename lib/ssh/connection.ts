import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { type RemoteCommand, toShell } from "./command";
import { describeConnectError, HostKeyError, SshError } from "./errors";
import { fingerprintOf, keyTypeOf } from "./host-key";

export type SshAuth =
  | { kind: "key"; privateKey: string; passphrase?: string | undefined }
  | { kind: "password"; password: string };

export interface SshTarget {
  address: string;
  port: number;
  username: string;
  auth: SshAuth;
  /** The pinned host key. Null: not trusted yet, so the connection stops before authenticating. */
  hostKeyFingerprint: string | null;
  /** A bastion to reach this host through (its own key pinned and credentials separate). */
  jump?: SshTarget | undefined;
  /** Names the host in messages, e.g. the inventory name. */
  name?: string | undefined;
}

export interface ConnectOptions {
  connectTimeoutMs: number;
  /** Keepalive probes every this many ms; three unanswered ones close the connection. */
  keepaliveMs?: number;
  /** At most this many commands at once on one connection (sshd's MaxSessions is 10 by default). */
  maxChannels?: number;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
}

export type TOutputStream = "stdout" | "stderr";
export type TLineHandler = (stream: TOutputStream, text: string) => void;

export interface ExecOptions {
  /**
   * Asked after each chunk of output: a promise pauses the command's stdout and stderr until it
   * settles (e.g. `() => (log.writable ? undefined : log.whenWritable())`), so a flood waits on
   * the host instead of in this process's memory. The command's timeout keeps running meanwhile.
   */
  backpressure?: (() => Promise<void> | undefined) | undefined;
}

/** The part of a readable stream that `pauseWhileBusy` drives. */
export interface TPausable {
  pause(): unknown;
  resume(): unknown;
}

/**
 * Returns a check to call after each chunk: when `busy()` returns a promise, every stream is
 * paused until it settles (fulfilled or rejected), then resumed. Pausing both halves of an SSH
 * channel matters: they share one window, and a flowing stderr would reopen it for stdout.
 */
export function pauseWhileBusy(
  streams: readonly TPausable[],
  busy: () => Promise<void> | undefined,
): () => void {
  let paused = false;
  const resume = (): void => {
    paused = false;
    for (const stream of streams) stream.resume();
  };
  return () => {
    if (paused) return;
    const wait = busy();
    if (!wait) return;
    paused = true;
    for (const stream of streams) stream.pause();
    wait.then(resume, resume);
  };
}

export function describeTarget(
  target: Pick<SshTarget, "address" | "port" | "username"> & { jump?: SshTarget | undefined },
): string {
  const self = `${target.username}@${target.address}:${target.port}`;
  return target.jump ? `${self} via ${describeTarget(target.jump)}` : self;
}

/** Limits concurrent channels; waiters are served in order. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async take(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}

/**
 * An open SSH connection to one host; every remote command goes through `exec`. A lost connection
 * fails every running and later command with a clear error instead of leaving it hanging.
 */
export class SshConnection {
  private lost: SshError | undefined;
  private readonly running = new Set<(err: SshError) => void>();
  private readonly slots: Slots;
  private readonly closeListeners = new Set<() => void>();

  private constructor(
    private readonly client: Client,
    readonly target: string,
    maxChannels: number,
    private readonly jump: SshConnection | undefined,
  ) {
    this.slots = new Slots(maxChannels);
    client.on("close", () => {
      this.lost ??= new SshError("disconnected", `The connection to ${target} was lost.`, target);
      for (const fail of this.running) fail(this.lost);
      this.running.clear();
      jump?.close();
      for (const listener of this.closeListeners) listener();
    });
  }

  get isOpen(): boolean {
    return this.lost === undefined;
  }

  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  static async open(target: SshTarget, opts: ConnectOptions): Promise<SshConnection> {
    const jump = target.jump ? await SshConnection.open(target.jump, opts) : undefined;
    try {
      const sock = jump ? await jump.forwardTo(target) : undefined;
      return await SshConnection.handshake(target, opts, jump, sock);
    } catch (err) {
      jump?.close();
      throw err;
    }
  }

  /** A TCP stream to `target` opened by this connection's host (a direct-tcpip channel). */
  private forwardTo(target: SshTarget): Promise<ClientChannel> {
    const where = `${target.address}:${target.port}`;
    return new Promise((resolve, reject) => {
      this.client.forwardOut("127.0.0.1", 0, target.address, target.port, (err, stream) => {
        if (err) {
          reject(
            new SshError(
              "jump",
              `The jump host ${this.target} could not open a connection to ${where}: ${err.message}. Check that it can reach that address and that its sshd allows TCP forwarding (AllowTcpForwarding).`,
              describeTarget(target),
            ),
          );
        } else resolve(stream);
      });
    });
  }

  /**
   * A TCP stream to `address:port` as seen from this host (a direct-tcpip channel, what `ssh -L`
   * uses): reaches a service bound to the host's loopback. It does not take one of the command slots
   * (sshd's MaxSessions counts sessions, not forwards), and it closes with the connection.
   */
  openTcp(address: string, port: number): Promise<ClientChannel> {
    const where = `${address}:${port}`;
    return new Promise((resolve, reject) => {
      if (this.lost) {
        reject(
          new SshError("disconnected", `${this.lost.message} Could not connect to ${where}.`, this.target),
        );
        return;
      }
      this.client.forwardOut("127.0.0.1", 0, address, port, (err, stream) => {
        if (err)
          reject(
            new SshError(
              "forward",
              `${this.target} could not open a connection to ${where}: ${err.message}. Check that the service listens there and that the host's sshd allows TCP forwarding (AllowTcpForwarding).`,
              this.target,
            ),
          );
        else resolve(stream);
      });
    });
  }

  private static handshake(
    target: SshTarget,
    opts: ConnectOptions,
    jump: SshConnection | undefined,
    sock: ClientChannel | undefined,
  ): Promise<SshConnection> {
    const label = describeTarget(target);
    const name = target.name ?? `${target.address}:${target.port}`;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let settled = false;
      let hostKeyProblem: HostKeyError | undefined;
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
        () =>
          fail(
            describeConnectError({ level: "client-timeout" }, label, opts.connectTimeoutMs, target.auth.kind),
          ),
        opts.connectTimeoutMs + 500,
      );
      const config: ConnectConfig = {
        host: target.address,
        port: target.port,
        username: target.username,
        readyTimeout: opts.connectTimeoutMs,
        keepaliveInterval: opts.keepaliveMs ?? 10_000,
        keepaliveCountMax: 3,
        // Checked before any credential is sent: an unknown or changed key ends the handshake.
        hostVerifier: (key: Buffer) => {
          const presented = { fingerprint: fingerprintOf(key), type: keyTypeOf(key) };
          if (target.hostKeyFingerprint === presented.fingerprint) return true;
          hostKeyProblem = new HostKeyError(name, label, presented, target.hostKeyFingerprint);
          return false;
        },
        ...(sock ? { sock } : {}),
        ...(target.auth.kind === "key"
          ? {
              privateKey: target.auth.privateKey,
              ...(target.auth.passphrase ? { passphrase: target.auth.passphrase } : {}),
            }
          : { password: target.auth.password, tryKeyboard: true }),
      };
      if (target.auth.kind === "password") {
        const password = target.auth.password;
        client.on("keyboard-interactive", (_name, _instructions, _lang, prompts, finish) =>
          finish(prompts.map(() => password)),
        );
      }
      client
        .once("ready", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(new SshConnection(client, label, opts.maxChannels ?? 8, jump));
        })
        // Stays attached for the client's life: ssh2 may emit more than one error (a timeout, then
        // "Connection lost before handshake" as the socket is destroyed), and an unheard one would
        // crash the worker.
        .on("error", (err) =>
          fail(hostKeyProblem ?? describeConnectError(err, label, opts.connectTimeoutMs, target.auth.kind)),
        )
        .connect(config);
    });
  }

  /** Runs a command, calling `onLine` for each complete output line as it arrives. */
  async exec(command: RemoteCommand, onLine: TLineHandler, options: ExecOptions = {}): Promise<ExecResult> {
    const release = await this.slots.take();
    try {
      return await this.execInChannel(command, onLine, options);
    } finally {
      release();
    }
  }

  private execInChannel(
    command: RemoteCommand,
    onLine: TLineHandler,
    options: ExecOptions,
  ): Promise<ExecResult> {
    const timeoutMs = command.timeoutMs ?? 120_000;
    const what = `\`${command.program}\``;
    return new Promise((resolve, reject) => {
      if (this.lost) {
        reject(new SshError("disconnected", `${this.lost.message} Could not run ${what}.`, this.target));
        return;
      }
      let channel: ClientChannel | undefined;
      let done = false;
      const finish = (outcome: { result: ExecResult } | { error: SshError }): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.running.delete(onLost);
        if ("error" in outcome) reject(outcome.error);
        else resolve(outcome.result);
      };
      const onLost = (lost: SshError): void =>
        finish({
          error: new SshError(
            "disconnected",
            `${lost.message.replace(/\.$/, "")} while running ${what}.`,
            this.target,
          ),
        });
      this.running.add(onLost);
      const timer = setTimeout(() => {
        channel?.close();
        finish({
          error: new SshError(
            "command_timeout",
            `${what} on ${this.target} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
            this.target,
          ),
        });
      }, timeoutMs);
      this.client.exec(toShell(command), (err, opened) => {
        if (err) {
          finish({
            error: new SshError(
              "disconnected",
              `Could not start ${what} on ${this.target}: ${err.message}`,
              this.target,
            ),
          });
          return;
        }
        channel = opened;
        if (done) {
          opened.close();
          return;
        }
        const stdout = lineSplitter((text) => onLine("stdout", text));
        const stderr = lineSplitter((text) => onLine("stderr", text));
        let exitCode: number | null = null;
        let signal: string | null = null;
        const { backpressure } = options;
        const check = backpressure ? pauseWhileBusy([opened, opened.stderr], backpressure) : () => {};
        opened.on("data", (chunk: Buffer) => {
          stdout.push(chunk);
          check();
        });
        opened.stderr.on("data", (chunk: Buffer) => {
          stderr.push(chunk);
          check();
        });
        opened.on("exit", (code: number | null, sig?: string) => {
          exitCode = code;
          signal = sig ?? null;
        });
        const closed = (): void => {
          stdout.end();
          stderr.end();
          // A channel closed without an exit status went down with its connection.
          if (exitCode === null && signal === null && !done) {
            setImmediate(() =>
              finish(
                this.lost
                  ? {
                      error: new SshError(
                        "disconnected",
                        `${this.lost.message.replace(/\.$/, "")} while running ${what}.`,
                        this.target,
                      ),
                    }
                  : { result: { exitCode, signal } },
              ),
            );
            return;
          }
          finish({ result: { exitCode, signal } });
        };
        opened.on("close", () => {
          // ssh2 emits "close" once stdout has ended; stderr, paused a moment ago, may still hold output.
          const { stderr: errStream } = opened;
          if (!done && !errStream.readableEnded && !errStream.destroyed) errStream.once("end", closed);
          else closed();
        });
        if (command.stdin !== undefined) opened.end(command.stdin);
        else opened.end();
      });
    });
  }

  close(): void {
    this.lost ??= new SshError("disconnected", `The connection to ${this.target} was closed.`, this.target);
    this.client.end();
    this.jump?.close();
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
