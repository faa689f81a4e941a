// One WebOps round, as a worker does it for a host it has no connection to yet: open the SSH
// connection (handshake, host key check, authentication), run the full prerequisites check in its
// single round trip, close the connection.
import { performance } from "node:perf_hooks";
import { runPrerequisiteCheck } from "../../lib/prerequisites/check";
import { SshConnection } from "../../lib/ssh";
import type { TestHost } from "../../test/hosts";

export type TWebopsReport = Awaited<ReturnType<typeof runPrerequisiteCheck>>;

export interface TWebopsRound {
  seconds: number;
  /** The parts: connection opened, check run, connection closed. */
  connectSeconds: number;
  checkSeconds: number;
  report: TWebopsReport;
}

export async function webopsRound(host: TestHost): Promise<TWebopsRound> {
  const started = performance.now();
  const connection = await SshConnection.open(
    {
      address: host.address,
      port: host.port,
      username: host.user,
      auth: { kind: "key", privateKey: host.privateKey },
      hostKeyFingerprint: host.hostKeyFingerprint,
      name: host.name,
    },
    { connectTimeoutMs: 10_000 },
  );
  const connected = performance.now();
  let report: TWebopsReport;
  let checked: number;
  try {
    report = await runPrerequisiteCheck(connection, "cpu-source", "apt");
    checked = performance.now();
  } finally {
    await closed(connection);
  }
  const s = (ms: number) => ms / 1000;
  return {
    seconds: s(performance.now() - started),
    connectSeconds: s(connected - started),
    checkSeconds: s(checked - connected),
    report,
  };
}

/** Closes and waits until the connection is down, as `ssh` has closed its own when it exits. */
function closed(connection: SshConnection): Promise<void> {
  if (!connection.isOpen) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    connection.onClose(() => {
      clearTimeout(timer);
      resolve();
    });
    connection.close();
  });
}

/** Throws unless the report has each package installed (with a version) and its item's probes passing. */
export function assertPackagesInstalled(report: TWebopsReport, packages: readonly string[]): void {
  const problems = packages.flatMap((pkg) => {
    const item = report.items.find((i) => i.packages.includes(pkg));
    if (!item) return [`${pkg}: not in the report`];
    if (item.state !== "ok" || item.versions[pkg] === undefined) {
      return [`${pkg}: ${item.state}${item.fix ? ` (${item.fix})` : ""}`];
    }
    return [];
  });
  if (problems.length > 0) {
    throw new Error(`WebOps' check did not report every package installed:\n  ${problems.join("\n  ")}`);
  }
}

/** What the check covered, for the results: each item with its packages and state, and the minimums. */
export function checkedItems(report: TWebopsReport): { items: string[]; minimums: string[] } {
  return {
    items: report.items.map((i) => `${i.id}: ${i.packages.join(" ") || "(report only)"} — ${i.state}`),
    minimums: report.minimums.map((m) => `${m.label} (${m.required}): ${m.state}, ${m.note}`),
  };
}
