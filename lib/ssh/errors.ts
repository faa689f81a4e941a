import { keyTypeLabel } from "./host-key";

/** Why an SSH operation failed, in the operator's terms. */
export type TSshFailure =
  | "auth"
  | "refused"
  | "timeout"
  | "unreachable"
  | "dns"
  | "handshake"
  | "disconnected"
  | "command_timeout"
  | "jump"
  /** The host would not open a TCP connection to a service for us (direct-tcpip refused). */
  | "forward"
  | "host_key_unknown"
  | "host_key_changed";

export class SshError extends Error {
  constructor(
    readonly failure: TSshFailure,
    message: string,
    readonly target: string,
  ) {
    super(message);
    this.name = "SshError";
  }
}

export interface TPresentedHostKey {
  fingerprint: string;
  type: string;
}

/**
 * The host presented a key that is not the pinned one (or none is pinned yet). The connection
 * stopped before any credential was sent.
 */
export class HostKeyError extends SshError {
  constructor(
    readonly hostName: string,
    target: string,
    readonly presented: TPresentedHostKey,
    readonly pinned: string | null,
  ) {
    super(
      pinned === null ? "host_key_unknown" : "host_key_changed",
      pinned === null
        ? `Host key not yet trusted for ${hostName}: it presented ${keyTypeLabel(presented.type)} key ${presented.fingerprint}. Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` run on the host, then trust it.`
        : `Host key changed for ${hostName}: expected ${pinned}, but it presented ${keyTypeLabel(presented.type)} key ${presented.fingerprint}. The connection was refused before sending credentials. If the host was reinstalled or its keys rotated, approve the new key; otherwise someone may be intercepting the connection.`,
      target,
    );
    this.name = "HostKeyError";
  }
}

/** Maps ssh2 and socket errors to a message that says what happened and what to do next. */
export function describeConnectError(
  err: unknown,
  target: string,
  timeoutMs: number,
  auth: "key" | "password" = "key",
): SshError {
  const e = err as { code?: string; level?: string; message?: string };
  const seconds = Math.round(timeoutMs / 1000);
  if (e.level === "client-authentication") {
    return new SshError(
      "auth",
      auth === "key"
        ? `Authentication failed for ${target}: the server refused the private key. Check the user name, and that the key's public half is in that user's ~/.ssh/authorized_keys.`
        : `Authentication failed for ${target}: the server refused the password. Check the user name and password, and that the host's sshd allows password logins (PasswordAuthentication yes).`,
      target,
    );
  }
  switch (e.code) {
    case "ECONNREFUSED":
      return new SshError(
        "refused",
        `Connection refused by ${target}: nothing is listening on that port. Check the port, and that sshd is running on the host.`,
        target,
      );
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new SshError(
        "unreachable",
        `Host ${target} is unreachable from the worker: no route to it. Check the address and the network between them.`,
        target,
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new SshError("dns", `The host name in ${target} does not resolve. Check the address.`, target);
    case "ETIMEDOUT":
      return new SshError(
        "timeout",
        `No SSH answer from ${target} within ${seconds} s. Check the address and port, and any firewall between the worker and the host.`,
        target,
      );
  }
  if (e.level === "client-timeout" || /timed out/i.test(e.message ?? "")) {
    return new SshError(
      "timeout",
      `No SSH answer from ${target} within ${seconds} s. Check the address and port, and any firewall between the worker and the host.`,
      target,
    );
  }
  return new SshError("handshake", `SSH connection to ${target} failed: ${e.message ?? String(err)}`, target);
}
