import type { HostFacts } from "../hosts/facts/schema";
import { MINUTE, type TRun } from "./remote";
import type { TDeploymentSpec } from "./schema";
import { FILES, pipIndexArgs, type TDevice } from "./service-files";
import type { TStep } from "./steps";

/** At most one compile job per ~4 GiB of RAM and per CPU, at least 1; an operator's number only lowers it. */
export function maxJobsFor(facts: Pick<HostFacts, "memoryKiB" | "cpuCount">, requested?: number): number {
  const byMemory = facts.memoryKiB === null ? 1 : Math.floor(facts.memoryKiB / (4 * 1024 * 1024));
  const byCpu = facts.cpuCount ?? 1;
  return Math.max(1, Math.min(byMemory, byCpu, requested ?? Number.POSITIVE_INFINITY));
}

export function installSteps(
  spec: TDeploymentSpec,
  device: TDevice,
  facts: Pick<HostFacts, "memoryKiB" | "cpuCount">,
  run: TRun,
): TStep[] {
  const install = spec.install;
  const venv: TStep = {
    stage: "install-runtime",
    title: "Create the deployment's Python virtual environment",
    command: run('[ -x "$dir/venv/bin/python" ] || python3 -m venv "$dir/venv"'),
  };
  switch (install.method) {
    case "pip": {
      const args = [
        ...pipIndexArgs(install.indexUrl, device),
        ...(install.noCacheDir ? ["--no-cache-dir"] : []),
      ];
      args.push(install.version === undefined ? "vllm" : `vllm==${install.version}`);
      return [
        venv,
        {
          stage: "install-runtime",
          title: `Install vLLM${install.version === undefined ? "" : ` ${install.version}`} with pip (${device.toUpperCase()})`,
          command: run('exec "$dir/venv/bin/pip" install "$@"', args, { timeoutMs: 60 * MINUTE }),
        },
      ];
    }
    case "source": {
      const jobs = maxJobsFor(facts, install.maxJobs);
      return [
        venv,
        {
          stage: "install-runtime",
          title: `Fetch vLLM's source at ${install.ref}`,
          command: run(
            [
              'if [ -d "$dir/src/.git" ]; then',
              '  git -C "$dir/src" fetch --depth 1 -- "$1" "$2"',
              '  git -C "$dir/src" checkout --force --detach FETCH_HEAD',
              "else",
              '  rm -rf "$dir/src"',
              '  git clone --depth 1 --branch "$2" -- "$1" "$dir/src"',
              "fi",
            ].join("\n"),
            [install.gitUrl, install.ref],
            { timeoutMs: 20 * MINUTE },
          ),
        },
        {
          stage: "install-runtime",
          title: `Build and install vLLM for CPU (VLLM_TARGET_DEVICE=cpu, MAX_JOBS=${jobs})`,
          command: run(
            [
              'cd "$dir/src"',
              'pip="$dir/venv/bin/pip"',
              'if [ -f requirements/cpu-build.txt ]; then "$pip" install "$@" -r requirements/cpu-build.txt; set -- "$@" --no-build-isolation; fi',
              'if [ -f requirements/cpu.txt ]; then "$pip" install "$@" -r requirements/cpu.txt; fi',
              'exec "$pip" install "$@" .',
            ].join("\n"),
            pipIndexArgs(install.indexUrl, "cpu"),
            { env: { VLLM_TARGET_DEVICE: "cpu", MAX_JOBS: String(jobs) }, timeoutMs: 180 * MINUTE },
          ),
        },
      ];
    }
    case "container":
      return [
        {
          stage: "install-runtime",
          title: `Pull the container image ${install.image}:${install.tag}`,
          command: {
            program: "docker",
            args: ["pull", `${install.image}:${install.tag}`],
            timeoutMs: 60 * MINUTE,
          },
        },
      ];
  }
}

export function fetchSteps(spec: TDeploymentSpec, run: TRun): TStep[] {
  if (spec.model.source === "path") {
    return [
      {
        stage: "fetch-model",
        title: "Check that the model folder holds a config.json",
        command: run(
          'if [ ! -f "$1/config.json" ]; then echo "No config.json in the model folder $1" >&2; exit 3; fi',
          [spec.model.path],
        ),
      },
    ];
  }
  // A container downloads into the mounted hf-cache itself when it starts.
  if (spec.install.method === "container") return [];
  return [
    {
      stage: "fetch-model",
      title: `Download ${spec.model.repo} at ${spec.model.revision} from Hugging Face`,
      command: run(
        [
          `set -a; . "$dir/${FILES.env}"; set +a`,
          'export HF_HOME="$dir/hf-cache"',
          'if [ -x "$dir/venv/bin/hf" ]; then exec "$dir/venv/bin/hf" download "$@"; fi',
          'exec "$dir/venv/bin/huggingface-cli" download "$@"',
        ].join("\n"),
        [spec.model.repo, "--revision", spec.model.revision],
        { timeoutMs: 120 * MINUTE },
      ),
    },
  ];
}
