import { env } from "../env";
import type { LogWriter } from "../logs/writer";
import type { SshConnection } from "../ssh";
import { factsCommand, type HostFacts, parseFacts } from "./facts";

/** Reads the host's facts over an open connection, every line to the log. */
export async function gatherFacts(
  connection: SshConnection,
  deployPath: string,
  log: LogWriter,
): Promise<HostFacts> {
  log.system("Reading the host's facts (package manager, what sudo allows)");
  const output: string[] = [];
  const result = await connection.exec(
    factsCommand(deployPath, env().WEBOPS_SSH_COMMAND_TIMEOUT_MS),
    (stream, text) => {
      if (stream === "stdout") output.push(text);
      log.line(stream, text);
    },
  );
  if (result.exitCode !== 0) throw new Error("The facts command failed; see the lines above");
  return parseFacts(output);
}
