import { z } from "zod";
import { AppError } from "../../errors";
import { getHost } from "../../hosts/get-host";
import { getDeployment } from "../get-deployment";
import type { TDeploymentSpec } from "../schema";
import { composeFile, kubernetesManifests, systemdUnitExport, type TSystemdExport } from ".";

// A stored deployment's exports as downloadable files. The stored spec holds no secrets; where the
// deployment has one, a placeholder stands in so the export references it by name (a Compose
// variable, a Kubernetes Secret, an empty service.env line). The export functions never write values.

export const EXPORT_FORMATS = ["compose", "kubernetes", "systemd"] as const;
export type TExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(format: string): format is TExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(format);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The query an export accepts; both options shape the Kubernetes export only. */
export const ZExportOptionsSchema = z.object({
  nodes: z
    .string()
    .regex(/^\d{1,2}$/, "A whole number of hosts from 1 to 64")
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, "A whole number of hosts from 1 to 64")
        .max(64, "A whole number of hosts from 1 to 64"),
    )
    .optional(),
  namespace: z
    .string()
    .max(63, "A namespace has at most 63 characters")
    .regex(
      DNS_LABEL,
      "A namespace: lower-case letters, digits and -, starting and ending with a letter or digit",
    )
    .optional(),
});
export type TExportOptions = z.output<typeof ZExportOptionsSchema>;

export type TDeploymentExport = { filename: string; contentType: string; text: string };

/** Not a secret: only whether a value is there matters to the exports, which write names, not values. */
const SEALED = "(sealed; not exported)";

export async function exportDeployment(
  id: string,
  format: TExportFormat,
  opts: TExportOptions = {},
): Promise<TDeploymentExport> {
  if (format !== "kubernetes" && (opts.nodes !== undefined || opts.namespace !== undefined)) {
    throw new AppError("validation", "`nodes` and `namespace` apply to the kubernetes export only", {
      [opts.nodes !== undefined ? "nodes" : "namespace"]: "Only for the kubernetes export",
    });
  }
  const dep = await getDeployment(id);
  const spec = withSecretPlaceholders(dep.spec, dep.secrets);
  switch (format) {
    case "compose": {
      const { object, yaml } = composeFile(spec);
      return { filename: `${object.name}.compose.yaml`, contentType: YAML, text: yaml };
    }
    case "kubernetes": {
      const out = kubernetesManifests(spec, { nodes: opts.nodes, namespace: opts.namespace });
      return { filename: `${out.workload.metadata.name}.kubernetes.yaml`, contentType: YAML, text: out.yaml };
    }
    case "systemd": {
      const host = await getHost(dep.host.id);
      const home = homeFolder(host.username, host.facts);
      const dir = `${resolveHome(host.deployPath, home.path)}/deployments/${dep.dirId}`;
      const out = systemdUnitExport(spec, { deploymentId: dep.dirId, dir });
      const note = host.deployPath.startsWith("~") ? home.note : undefined;
      return {
        filename: `${out.unitName}.txt`,
        contentType: "text/plain; charset=utf-8",
        text: systemdBundle(out, id, note),
      };
    }
  }
}

const YAML = "application/yaml; charset=utf-8";

function withSecretPlaceholders(
  stored: TDeploymentSpec,
  secrets: { apiKey: boolean; hfToken: boolean },
): TDeploymentSpec {
  return {
    ...stored,
    hfToken: secrets.hfToken ? SEALED : undefined,
    serve: { ...stored.serve, apiKey: secrets.apiKey ? SEALED : undefined },
  };
}

/**
 * The SSH user's home, for a deploy path under `~/`: the facts do not record $HOME, so this is the
 * usual place (/root, else /home/<user>), said in the export so the operator can correct it.
 */
function homeFolder(username: string, facts: Record<string, unknown> | null): { path: string; note: string } {
  const user = typeof facts?.user === "string" && facts.user !== "" ? facts.user : username;
  const path = user === "root" ? "/root" : `/home/${user}`;
  return {
    path,
    note: `The deploy path starts with ~/: taken as ${path}, ${user}'s usual home. Change the paths below if it differs.`,
  };
}

function resolveHome(deployPath: string, home: string): string {
  if (deployPath === "~") return home;
  if (deployPath.startsWith("~/")) return `${home}/${deployPath.slice(2)}`;
  return deployPath;
}

/** The unit, serve.sh and service.env in one text file, each under a header naming its path and mode. */
function systemdBundle(out: TSystemdExport, deploymentId: string, note?: string): string {
  const lines = [
    `# ${out.unitName}: the systemd unit WebOps installs for deployment ${deploymentId}, with its files.`,
    "# No secret values are included: fill them in service.env on the host.",
    ...(note ? [`# ${note}`] : []),
    "#",
    "# On the host, as root, once the files below are in place:",
    ...out.instructions.map((line) => `#   ${line}`),
  ];
  for (const file of out.files) {
    lines.push("", `# ==> ${file.path} (mode ${file.mode.toString(8).padStart(4, "0")}) <==`);
    lines.push(file.content.replace(/\n$/, ""));
  }
  return `${lines.join("\n")}\n`;
}
