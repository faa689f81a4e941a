import type { Redis } from "ioredis";
import { db } from "../db";
import { env } from "../env";
import { describeSudo, factsCommand, type HostFacts, parseFacts } from "../hosts/facts";
import { hostConnectionInfo } from "../hosts/ssh-target";
import { describeTarget, HostKeyError, SshError, type SshPool } from "../ssh";
import { credentialSecrets, rememberPresentedKey, startOperationRun } from "./runner";
import { transition } from "./state";

function summary(facts: HostFacts): string {
  const memory = facts.memoryKiB ? `${(facts.memoryKiB / 1024 / 1024).toFixed(1)} GiB RAM` : "memory unknown";
  const cuda = facts.nvidia?.cuda ? `, CUDA ${facts.nvidia.cuda}` : "";
  const gpus =
    facts.gpus.length > 0
      ? `${facts.gpus.length} GPU(s): ${facts.gpus.map((g) => g.name).join(", ")}${cuda}`
      : "no GPU";
  return [
    `${facts.os} (${facts.arch ?? "unknown arch"})`,
    `${facts.cpuCount ?? "?"} CPUs`,
    memory,
    `Python ${facts.python3 ?? "missing"}`,
    gpus,
    `sudo: ${describeSudo(facts).summary}`,
  ].join(", ");
}

/**
 * The worker's side of "Check host": connect (through the host's jump host, if any, verifying each
 * pinned host key before sending credentials), run the read-only facts script with every line
 * streamed to the log, store the facts. Failures are recorded on the operation, not thrown: a retry
 * would not fix a wrong key.
 */
export async function runHostCheck(operationId: string, ctx: { redis: Redis; ssh: SshPool }): Promise<void> {
  const started = await startOperationRun(operationId, ctx.redis);
  if (!started) return;
  const { op, log } = started;
  const settings = env();

  const info = await hostConnectionInfo(op.hostId);
  try {
    if (!info) throw new Error("The host was deleted");
    const { host } = info;
    if (host.disabled) throw new Error(`${host.name} is disabled; enable it to check it`);
    const sshTarget = await info.target();
    log.addSecrets(credentialSecrets(sshTarget));
    const target = describeTarget(sshTarget);
    log.system(`Connecting to ${target} (timeout ${settings.WEBOPS_SSH_CONNECT_TIMEOUT_MS / 1000} s)`);
    const output: string[] = [];
    const result = await ctx.ssh.use(host.id, info.version, info.target, (connection) => {
      log.system(
        `Connected to ${target}; host key ${host.hostKeyFingerprint} verified; gathering facts (read-only)`,
      );
      return connection.exec(
        factsCommand(host.deployPath, settings.WEBOPS_SSH_COMMAND_TIMEOUT_MS),
        (stream, text) => {
          if (stream === "stdout") output.push(text);
          log.line(stream, text);
        },
      );
    });
    if (result.exitCode !== 0) {
      throw new Error(
        `The facts command exited with ${result.exitCode ?? `signal ${result.signal}`}; see the lines above`,
      );
    }
    const facts = parseFacts(output);
    await db().host.update({
      where: { id: host.id },
      data: { reachable: true, lastCheckedAt: new Date(), lastError: null, facts },
    });
    log.system(`Host check passed: ${summary(facts)}`);
    await log.close();
    await transition(db(), operationId, "running", "succeeded", { result: facts });
    log.status("succeeded");
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.system(`Host check failed: ${message}`);
    await log.close();
    if (err instanceof HostKeyError && info) await rememberPresentedKey(info, err);
    if (info) {
      // Only a connection failure says the host is unreachable; a failing script ran on a reachable host.
      await db().host.update({
        where: { id: info.host.id },
        data: { reachable: !(err instanceof SshError), lastCheckedAt: new Date(), lastError: message },
      });
    }
    await transition(db(), operationId, "running", "failed", { error: message });
    log.status("failed", message);
  } finally {
    await log.close();
    await log.expireStream();
  }
}
