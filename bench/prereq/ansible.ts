// Ansible doing the same job as WebOps' check: the apt module, the same packages, state present,
// no fact gathering, pipelining on and no SSH connection sharing, so every run connects cold.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TestHost } from "../../test/hosts";
import { describeFailure, onPath, runChecked, runTimed, type TRunResult } from "../support/process";
import type { TClientFiles } from "./openssh";

const INVENTORY_NAME = "target";

/** Installs Ansible from Debian's packages when `ansible-playbook` is missing; returns what it installed. */
export async function ensureAnsible(): Promise<string[]> {
  if (await onPath("ansible-playbook")) return [];
  if (process.getuid?.() !== 0) {
    throw new Error("ansible-playbook is missing; install it with: sudo apt-get install -y ansible-core");
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  console.log(
    "ansible-playbook is missing: apt-get install -y --no-install-recommends ansible-core (Debian)",
  );
  let install = await runTimed("apt-get", ["install", "-y", "--no-install-recommends", "ansible-core"], {
    env,
  });
  if (install.exitCode !== 0) {
    console.log("  that failed; apt-get update, then again");
    await runChecked("apt-get", ["update"], { env });
    install = await runChecked("apt-get", ["install", "-y", "--no-install-recommends", "ansible-core"], {
      env,
    });
  }
  const installed = [...install.stdout.matchAll(/^Setting up (\S+)/gm)].map((m) => m[1] as string);
  console.log(`  installed: ${installed.join(" ") || "(nothing new)"}`);
  return installed;
}

export async function ansibleVersion(): Promise<string> {
  const { stdout } = await runChecked("ansible-playbook", ["--version"]);
  return stdout.split("\n")[0]?.trim() ?? "unknown";
}

export interface TAnsibleProject {
  configFile: string;
  playbookFile: string;
  /** The ansible.cfg text, kept in the results so the settings can be checked. */
  config: string;
}

export async function writeAnsibleProject(
  host: TestHost,
  files: TClientFiles,
  packages: readonly string[],
): Promise<TAnsibleProject> {
  const dir = join(files.dir, "ansible");
  await mkdir(join(dir, "local-tmp"), { recursive: true });
  const inventoryFile = join(dir, "inventory.ini");
  // The interpreter is named so Ansible skips its discovery round trip: its fastest honest setting.
  await writeFile(
    inventoryFile,
    `[bench]\n${INVENTORY_NAME} ansible_host=${host.address} ansible_port=${host.port} ` +
      `ansible_user=${host.user} ansible_ssh_private_key_file=${files.keyFile} ` +
      "ansible_python_interpreter=/usr/bin/python3\n",
  );
  const config = [
    "[defaults]",
    `inventory = ${inventoryFile}`,
    "host_key_checking = True",
    "retry_files_enabled = False",
    `local_tmp = ${join(dir, "local-tmp")}`,
    "interpreter_python = /usr/bin/python3",
    "stdout_callback = default",
    "nocows = True",
    "",
    "[ssh_connection]",
    "pipelining = True",
    `ssh_args = ${files.sshOptions.join(" ")}`,
    "",
  ].join("\n");
  const configFile = join(dir, "ansible.cfg");
  await writeFile(configFile, config);
  const playbookFile = join(dir, "prereq.yml");
  await writeFile(
    playbookFile,
    [
      "- name: vLLM CPU build prerequisites",
      "  hosts: bench",
      "  gather_facts: false",
      "  become: true",
      "  tasks:",
      "    - name: Packages are present",
      "      ansible.builtin.apt:",
      "        name:",
      ...packages.map((p) => `          - ${p}`),
      "        state: present",
      "",
    ].join("\n"),
  );
  return { configFile, playbookFile, config };
}

/** One `ansible-playbook` run; `verbose` (-vvv) shows the ssh command lines it runs. */
export function runPlaybook(project: TAnsibleProject, verbose = false): Promise<TRunResult> {
  const env: Record<string, string | undefined> = {
    ANSIBLE_CONFIG: project.configFile,
    ANSIBLE_NOCOLOR: "1",
  };
  // The caller's own ANSIBLE_* settings must not change what is measured.
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("ANSIBLE_")) env[key] = value;
  return runTimed("ansible-playbook", [...(verbose ? ["-vvv"] : []), project.playbookFile], {
    env,
    timeoutMs: 300_000,
  });
}

/** Throws unless the run succeeded and its recap says: ok=1 changed=0 unreachable=0 failed=0. */
export function assertAllPresent(project: TAnsibleProject, run: TRunResult): void {
  const recap = new RegExp(
    `^${INVENTORY_NAME}\\s*:\\s*ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)`,
    "m",
  ).exec(run.stdout);
  const counts = recap?.slice(1).map(Number);
  if (run.exitCode !== 0 || !counts || counts.join(",") !== "1,0,0,0") {
    throw new Error(
      `Ansible did not report every package present (want ok=1 changed=0 unreachable=0 failed=0):\n` +
        describeFailure("ansible-playbook", [project.playbookFile], run),
    );
  }
}

export interface TAnsibleTransport {
  /** SSH connections one playbook run opens. */
  sshConnections: number;
  /** No module file was copied over: the module went through the ssh command's stdin. */
  pipelined: boolean;
}

/** What a -vvv run shows about its SSH use; throws if any connection could be shared (ControlPersist). */
export function inspectTransport(run: TRunResult): TAnsibleTransport {
  const execs = run.stdout.split("\n").filter((line) => line.includes("SSH: EXEC"));
  if (execs.length === 0) throw new Error("ansible-playbook -vvv showed no SSH command");
  for (const line of execs) {
    if (/ControlPersist|ControlMaster=(auto|yes)/.test(line) || !line.includes("ControlMaster=no")) {
      throw new Error(`Ansible's ssh command could share connections, which the benchmark forbids: ${line}`);
    }
  }
  return {
    sshConnections: execs.length,
    pipelined: run.stdout.includes("Pipelining is enabled.") && !/\bPUT\b|sftp|scp /.test(run.stdout),
  };
}
