// The WebOps command line, for CI pipelines: deploy a configuration file, follow its log live, and
// exit 0 when the deployment is running, 1 when it failed (or was cancelled or blocked), 2 on a usage
// or configuration error. Talks to the REST API with an API token; never prints the token.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { ApiClient, CliError } from "./client";
import { followLog, type TFollowLine } from "./follow";

const USAGE = `Usage: webops <command> [options]

Commands:
  deploy <file>        Deploy the configuration in <file> (YAML or JSON) and follow its log
                       until it is running (exit 0) or not (exit 1). --no-follow: print the id and exit.
                       --force: deploy even when the fit check warns.
  logs <deployment>    Print a deployment's log; --follow keeps reading until it ends.
  status <deployment>  Print a deployment's status; exit 0 when running.
  cancel <deployment>  Cancel a deployment.
  redeploy <deployment> Deploy a deployment's configuration again and follow it.

Settings (environment):
  WEBOPS_URL    The panel, e.g. https://webops.example.com (default http://127.0.0.1:3000)
  WEBOPS_TOKEN  An API token (Account → API tokens): operator to deploy, viewer to read

The configuration file is a deployment spec as POST /api/deployments takes it (see
/api/openapi.json); "host" may name a host instead of "hostId".`;

interface TDeploymentView {
  id: string;
  operationId: string;
  status: string;
  stage: string | null;
  error: string | null;
  host: { name: string };
  servedModelName?: string | null;
}

const SUCCESS = new Set(["running"]);
const ENDED = new Set(["running", "failed", "cancelled", "blocked", "stopped", "undeployed"]);

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** A followed log, as the CLI prints it: the stage in brackets, stderr marked with "! ". */
const printing = {
  line: (l: TFollowLine) =>
    out(`${l.stage ? `[${l.stage}] ` : ""}${l.stream === "stderr" ? "! " : ""}${l.text}`),
  status: (status: string, error: string | null) => out(`-- ${status}${error ? `: ${error}` : ""}`),
};

function readSpec(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`Cannot read ${file}: ${(err as Error).message}`, 2);
  }
  let spec: unknown;
  try {
    spec = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CliError(
      `${file} is not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(err as Error).message}`,
      2,
    );
  }
  if (typeof spec !== "object" || spec === null || Array.isArray(spec))
    throw new CliError(`${file} must hold one deployment configuration (a mapping)`, 2);
  return spec as Record<string, unknown>;
}

/** "host: <name>" becomes the host's id. */
async function resolveHost(api: ApiClient, spec: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { host, ...rest } = spec;
  if (host === undefined) return spec;
  if (typeof host !== "string") throw new CliError('"host" must be a host name', 2);
  const { hosts } = await api.get<{ hosts: { id: string; name: string }[] }>("/api/hosts");
  const found = hosts.find((h) => h.name === host);
  if (!found)
    throw new CliError(`No host named ${host}; hosts: ${hosts.map((h) => h.name).join(", ") || "none"}`, 2);
  return { ...rest, hostId: found.id };
}

async function finish(api: ApiClient, id: string, follow: boolean): Promise<number> {
  let dep = await api.get<TDeploymentView>(`/api/deployments/${id}`);
  if (follow) {
    await followLog(api, dep.operationId, printing);
    // The log ends with the pipeline; the deployment's own status is the verdict.
    for (let i = 0; i < 50 && !ENDED.has(dep.status); i++) {
      await new Promise((r) => setTimeout(r, 200));
      dep = await api.get<TDeploymentView>(`/api/deployments/${id}`);
    }
  }
  out(`deployment ${dep.id}: ${dep.status}${dep.error ? ` (${dep.error})` : ""}`);
  out(`${api.base}/deployments/${dep.id}`);
  return SUCCESS.has(dep.status) ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      follow: { type: "boolean", default: false },
      "no-follow": { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, arg] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  const api = ApiClient.fromEnv(process.env);
  const need = (what: string) => {
    if (!arg) throw new CliError(`${command} needs ${what}\n\n${USAGE}`, 2);
    return arg;
  };
  switch (command) {
    case "deploy": {
      const spec = await resolveHost(api, readSpec(need("a configuration file")));
      const created = await api.post<{ id: string }>("/api/deployments", { spec, force: values.force });
      out(`deployment ${created.id} queued`);
      if (values["no-follow"]) return 0;
      return finish(api, created.id, true);
    }
    case "redeploy": {
      const created = await api.post<{ id: string }>(
        `/api/deployments/${encodeURIComponent(need("a deployment id"))}/redeploy`,
        {},
      );
      out(`deployment ${created.id} queued`);
      return finish(api, created.id, !values["no-follow"]);
    }
    case "logs": {
      const dep = await api.get<TDeploymentView>(
        `/api/deployments/${encodeURIComponent(need("a deployment id"))}`,
      );
      if (values.follow) await followLog(api, dep.operationId, printing);
      else out(await api.text(`/api/operations/${dep.operationId}/log`));
      return 0;
    }
    case "status":
      return finish(api, encodeURIComponent(need("a deployment id")), false);
    case "cancel": {
      await api.post(`/api/deployments/${encodeURIComponent(need("a deployment id"))}/cancel`, {});
      out("cancel requested");
      return 0;
    }
    default:
      throw new CliError(`Unknown command ${command}\n\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`webops: ${(err as Error).message}\n`);
    process.exit(err instanceof CliError ? err.exitCode : 1);
  },
);
