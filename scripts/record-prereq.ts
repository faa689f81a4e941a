// Re-records test/fixtures/recorded/prereq-*.txt: the prerequisites script's real output on the
// test hosts (as root: `npx tsx scripts/record-prereq.ts`). The unit tests parse these files.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { PREREQ_PROFILES, profilePackages } from "../lib/prerequisites/profiles";
import { prereqCheckCommand } from "../lib/prerequisites/script";
import { SshConnection } from "../lib/ssh";
import { startTestHost, type TestHost } from "../test/hosts";

async function record(host: TestHost, file: string): Promise<void> {
  const connection = await SshConnection.open(
    {
      name: host.name,
      address: host.address,
      port: host.port,
      username: host.user,
      auth: { kind: "key", privateKey: host.privateKey },
      hostKeyFingerprint: host.hostKeyFingerprint,
    },
    { connectTimeoutMs: 10_000 },
  );
  const lines: string[] = [];
  try {
    const packages = profilePackages(PREREQ_PROFILES["cpu-source"], "apt");
    await connection.exec(prereqCheckCommand("apt", packages, 60_000), (_s, text) => lines.push(text));
  } finally {
    connection.close();
  }
  writeFileSync(`test/fixtures/recorded/${file}`, `${lines.join("\n")}\n`);
  console.log(`${file}: ${lines.length} lines`);
}

async function main(): Promise<void> {
  const bare = await startTestHost("bare");
  const ready = await startTestHost("ready");
  const broken = await startTestHost("ready");
  try {
    execFileSync("chroot", [broken.rootDir, "rm", "/usr/include/numa.h"]);
    await record(bare, "prereq-bare.txt");
    await record(ready, "prereq-ready.txt");
    await record(broken, "prereq-ready-numa-h-removed.txt");
  } finally {
    await Promise.all([bare.stop(), ready.stop(), broken.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
