import type { SshConnection, TLineHandler } from "../ssh";
import { PREREQ_PROFILES, profilePackages, type TPackageFamily, type TPrereqProfileId } from "./profiles";
import { parsePrereqReport, type TPrereqReport } from "./report";
import { prereqCheckCommand } from "./script";

/**
 * The whole check of one profile in one SSH round trip: one `sh -s` with the package names as
 * arguments. `onLine` sees every output line (the live log).
 */
export async function runPrerequisiteCheck(
  connection: SshConnection,
  profileId: TPrereqProfileId,
  family: TPackageFamily,
  opts: { osName?: string | null; timeoutMs?: number; onLine?: TLineHandler } = {},
): Promise<TPrereqReport> {
  const profile = PREREQ_PROFILES[profileId];
  const output: string[] = [];
  const result = await connection.exec(
    prereqCheckCommand(family, profilePackages(profile, family), opts.timeoutMs ?? 120_000),
    (stream, text) => {
      if (stream === "stdout") output.push(text);
      opts.onLine?.(stream, text);
    },
  );
  if (result.exitCode !== 0) {
    throw new Error(`The prerequisites check exited with ${result.exitCode ?? `signal ${result.signal}`}`);
  }
  return parsePrereqReport(output, profile, family, opts.osName ?? null);
}
