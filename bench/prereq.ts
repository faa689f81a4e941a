// npm run bench:prereq — WebOps' full prerequisites check against Ansible's apt module and a bare
// `ssh host true`, each connecting cold, on one `ready` test host it starts and stops itself.
// Writes bench/results/prereq.json; see README.md, "Benchmarks".
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestHost } from "../test/hosts";
import {
  ansibleVersion,
  assertAllPresent,
  ensureAnsible,
  inspectTransport,
  runPlaybook,
  type TAnsibleTransport,
  writeAnsibleProject,
} from "./prereq/ansible";
import { prepareClientFiles, sshTrue, type TClientFiles } from "./prereq/openssh";
import { ensureHostPackage } from "./prereq/target";
import { assertPackagesInstalled, checkedItems, webopsRound } from "./prereq/webops";
import { describeFailure } from "./support/process";
import { median, ms3 } from "./support/stats";

const PACKAGES = ["build-essential", "cmake", "ninja-build", "python3-dev", "libnuma-dev", "libgomp1"];
const TARGETS = { speedup_vs_ansible_min: 5, ratio_vs_ssh_true_max: 2 };
// Full sudo, for Ansible's `become` (the apt module runs as root); WebOps' check needs none of it.
const SUDOERS = "deploy ALL=(ALL) NOPASSWD: ALL";
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "prereq.json");

type TTool = "webops" | "ansible" | "ssh_true";

function roundsFromArgs(): number {
  const at = process.argv.indexOf("--rounds");
  const rounds = at >= 0 ? Number(process.argv[at + 1]) : 10;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds takes a positive whole number");
  return rounds;
}

async function main(): Promise<void> {
  const rounds = roundsFromArgs();
  const setup: string[] = [];
  const loadBefore = loadavg();
  const installed = await ensureAnsible();
  setup.push(
    installed.length > 0
      ? `ansible-core installed on this machine from Debian (apt-get): ${installed.join(" ")}`
      : "ansible-playbook was already installed on this machine",
  );
  const version = await ansibleVersion();

  console.log("starting a `ready` test host ...");
  const host = await startTestHost("ready", { sudoers: SUDOERS });
  let files: TClientFiles | undefined;
  try {
    console.log(`host ${host.name} at ${host.address}:${host.port}`);
    setup.push(`test host profile ready, sudoers replaced by "${SUDOERS}" for Ansible's become`);
    files = await prepareClientFiles(host);
    setup.push("known_hosts from ssh-keyscan, every key checked against the harness's host key fingerprint");
    setup.push(await ensureHostPackage(host, "python3-apt"));
    const project = await writeAnsibleProject(host, files, PACKAGES);
    const clientFiles = files;

    const parts = { connect: [] as number[], check: [] as number[] };
    const measure: Record<TTool, () => Promise<number>> = {
      webops: async () => {
        const round = await webopsRound(host);
        assertPackagesInstalled(round.report, PACKAGES);
        parts.connect.push(round.connectSeconds);
        parts.check.push(round.checkSeconds);
        return round.seconds;
      },
      ansible: async () => {
        const run = await runPlaybook(project);
        assertAllPresent(project, run);
        return run.seconds;
      },
      ssh_true: async () => {
        const run = await sshTrue(host, clientFiles);
        if (run.exitCode !== 0) throw new Error(describeFailure("ssh", [host.address, "true"], run));
        return run.seconds;
      },
    };

    // One untimed round each: fills the page cache for every tool alike, checks that every tool does
    // its job, and shows (with -vvv) how Ansible uses SSH.
    console.log("warm-up round (untimed) ...");
    const warm = await webopsRound(host);
    assertPackagesInstalled(warm.report, PACKAGES);
    const verbose = await runPlaybook(project, true);
    assertAllPresent(project, verbose);
    const transport = inspectTransport(verbose);
    if (!transport.pipelined)
      throw new Error("Ansible copied a module file over: pipelining is not in effect");
    await measure.ssh_true();
    parts.connect.length = 0;
    parts.check.length = 0;

    const tools: TTool[] = ["webops", "ansible", "ssh_true"];
    const raw: Record<TTool, number[]> = { webops: [], ansible: [], ssh_true: [] };
    for (let round = 0; round < rounds; round++) {
      // Each round starts with a different tool, so none always runs right after another.
      const order = tools.map((_, i) => tools[(i + round) % tools.length] as TTool);
      for (const tool of order) raw[tool].push(await measure[tool]());
      console.log(
        `round ${round + 1}/${rounds}: ` +
          tools.map((t) => `${t} ${(raw[t].at(-1) ?? 0).toFixed(3)} s`).join(", "),
      );
    }

    const result = summarize(rounds, raw, parts, {
      version,
      transport,
      config: project.config,
      covered: checkedItems(warm.report),
      load: { before: loadBefore, after: loadavg() },
      setup,
      host: { profile: host.profile, address: host.address, port: host.port, user: host.user },
    });
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    printTable(result);
    console.log(`\nwrote ${RESULTS}`);
  } finally {
    await files?.remove();
    await host.stop();
  }
}

interface TContext {
  version: string;
  transport: TAnsibleTransport;
  config: string;
  covered: { items: string[]; minimums: string[] };
  load: { before: number[]; after: number[] };
  setup: string[];
  host: { profile: string; address: string; port: number; user: string };
}

function summarize(
  rounds: number,
  raw: Record<TTool, number[]>,
  parts: { connect: number[]; check: number[] },
  ctx: TContext,
) {
  const webops = median(raw.webops);
  const ansible = median(raw.ansible);
  const sshTrueS = median(raw.ssh_true);
  const speedup = ansible / webops;
  const ratio = webops / sshTrueS;
  return {
    benchmark: "prereq",
    date: new Date().toISOString(),
    rounds,
    webops_s: ms3(webops),
    ansible_s: ms3(ansible),
    ssh_true_s: ms3(sshTrueS),
    speedup_vs_ansible: Math.round(speedup * 100) / 100,
    ratio_vs_ssh_true: Math.round(ratio * 100) / 100,
    targets: TARGETS,
    met: {
      speedup_vs_ansible: speedup >= TARGETS.speedup_vs_ansible_min,
      ratio_vs_ssh_true: ratio <= TARGETS.ratio_vs_ssh_true_max,
    },
    raw_s: { webops: raw.webops.map(ms3), ansible: raw.ansible.map(ms3), ssh_true: raw.ssh_true.map(ms3) },
    webops_parts_s: {
      connect_median: ms3(median(parts.connect)),
      check_median: ms3(median(parts.check)),
      connect: parts.connect.map(ms3),
      check: parts.check.map(ms3),
    },
    packages: PACKAGES,
    webops_items: ctx.covered.items,
    webops_minimums: ctx.covered.minimums,
    method: {
      webops:
        "in this process, as a worker runs it: SshConnection.open (TCP, handshake, host key check, key auth) + " +
        'runPrerequisiteCheck(connection, "cpu-source", "apt") + close, waiting until the connection is down',
      ansible:
        "ansible-playbook process: apt module, the packages above, state present, gather_facts false, become, " +
        "pipelining on, ControlMaster=no (a new SSH connection every run); recap checked: ok=1 changed=0 failed=0",
      ssh_true: "ssh process: ssh -F /dev/null -o BatchMode=yes -o ControlMaster=no, same key, `true`",
      order: "one untimed warm-up round each, then rounds interleaved, each starting with a different tool",
      all: "host key checked strictly by all three (StrictHostKeyChecking=yes, known_hosts verified)",
    },
    host: ctx.host,
    setup: ctx.setup,
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? "unknown",
      memory_gib: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
      node: process.version,
      // Shared machines: a high load here explains slow rounds.
      loadavg_1_5_15_before: ctx.load.before.map((l) => Math.round(l * 100) / 100),
      loadavg_1_5_15_after: ctx.load.after.map((l) => Math.round(l * 100) / 100),
    },
    ansible: {
      version: ctx.version,
      ssh_connections_per_run: ctx.transport.sshConnections,
      pipelining: ctx.transport.pipelined,
      interpreter: "/usr/bin/python3 (named, so no interpreter discovery)",
      config: ctx.config,
    },
  };
}

function printTable(r: ReturnType<typeof summarize>): void {
  const row = (label: string, values: number[], med: number) =>
    `${label.padEnd(26)}${med.toFixed(3).padStart(8)} s${Math.min(...values)
      .toFixed(3)
      .padStart(9)}${Math.max(...values)
      .toFixed(3)
      .padStart(9)}`;
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  console.log(`\nprereq benchmark: ${r.rounds} rounds each, cold connections\n`);
  console.log(`${"".padEnd(26)}${"median".padStart(10)}${"min".padStart(9)}${"max".padStart(9)}`);
  console.log(row("WebOps full check", r.raw_s.webops, r.webops_s));
  console.log(row("ansible-playbook (apt)", r.raw_s.ansible, r.ansible_s));
  console.log(row("ssh host true", r.raw_s.ssh_true, r.ssh_true_s));
  const p = r.webops_parts_s;
  console.log(
    `\nWebOps median parts: connect ${p.connect_median.toFixed(3)} s, check ${p.check_median.toFixed(3)} s`,
  );
  console.log(
    `\nspeedup vs Ansible   ${r.speedup_vs_ansible.toFixed(2)}x  (target >= ${r.targets.speedup_vs_ansible_min}x)  ${verdict(r.met.speedup_vs_ansible)}`,
  );
  console.log(
    `ratio vs ssh true    ${r.ratio_vs_ssh_true.toFixed(2)}x  (target <= ${r.targets.ratio_vs_ssh_true_max}x)  ${verdict(r.met.ratio_vs_ssh_true)}`,
  );
  if (!r.met.speedup_vs_ansible || !r.met.ratio_vs_ssh_true) console.log("\nTARGET MISSED (see above)");
}

main().catch((err: unknown) => {
  console.error(`bench:prereq failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
