import { env } from "../env";
import { SshPool } from "../ssh";

const globalForSsh = globalThis as unknown as { webopsWebSsh?: SshPool };

/**
 * The web app's own SSH connections (one per host, closed when idle), used by the playground to
 * reach a deployment's model server. Workers keep theirs; this one serves interactive requests.
 */
export function webSshPool(): SshPool {
  if (!globalForSsh.webopsWebSsh) {
    const settings = env();
    globalForSsh.webopsWebSsh = new SshPool({
      connectTimeoutMs: settings.WEBOPS_SSH_CONNECT_TIMEOUT_MS,
      keepaliveMs: settings.WEBOPS_SSH_KEEPALIVE_MS,
      maxChannels: settings.WEBOPS_SSH_MAX_CHANNELS,
      idleMs: settings.WEBOPS_SSH_IDLE_MS,
    });
  }
  return globalForSsh.webopsWebSsh;
}
