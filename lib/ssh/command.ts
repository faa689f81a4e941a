/**
 * Remote commands are data; `toShell` is the one place that turns them into a shell string,
 * quoting every argument so no user-supplied text is ever interpreted by the remote shell.
 */
export interface RemoteCommand {
  /** Program name or path, e.g. "sh" or "/usr/bin/apt-get". */
  program: string;
  args: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Sent on stdin, e.g. a script for `sh -s`; never part of the command line. */
  stdin?: string;
  timeoutMs?: number;
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** POSIX single-quoting: safe for any byte except NUL, which cannot appear in argv. */
export function quote(arg: string): string {
  if (arg.includes("\0")) throw new Error("A command argument cannot contain a NUL byte");
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'"'"'`)}'`;
}

export function toShell(command: RemoteCommand): string {
  const envPart = Object.entries(command.env ?? {}).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new Error(`Invalid environment variable name: ${JSON.stringify(name)}`);
    return `${name}=${quote(value)}`;
  });
  const prefix = envPart.length > 0 ? ["env", ...envPart] : [];
  return [...prefix, command.program, ...command.args]
    .map((part, i) => (i < prefix.length ? part : quote(part)))
    .join(" ");
}
