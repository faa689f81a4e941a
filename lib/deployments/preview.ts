import { db } from "../db";
import { AppError } from "../errors";
import { readStoredFacts } from "../hosts/facts";
import { describeCommands } from "./commands";
import { parseSpec } from "./create-deployment";
import { fitCheck, type TFitResult } from "./fit";
import { CPU_TORCH_INDEX } from "./schema";
import { targetDevice } from "./service-files";

export interface TDeploymentPreview {
  fit: TFitResult[];
  /** The exact remote commands, secrets shown as ********. */
  commands: string[];
  warnings: string[];
}

/**
 * The wizard's Review step: the fit check against the host's last facts and every command the
 * pipeline will run. The worker checks the fit again on the host (port, disk) in its preflight stage.
 */
export async function previewDeployment(
  raw: unknown,
  opts: { paramsBillion?: number } = {},
): Promise<TDeploymentPreview> {
  const spec = parseSpec(raw);
  const host = await db().host.findUnique({
    where: { id: spec.hostId },
    select: { name: true, deployPath: true, facts: true, disabled: true },
  });
  if (!host) throw new AppError("validation", "No such host", { hostId: "Choose a host from the list" });
  const facts = readStoredFacts(host.facts);
  if (!facts)
    throw new AppError("conflict", `${host.name} has not been checked yet: run Check host first`, {
      hostId: "Check this host first",
    });
  const warnings: string[] = [];
  if (host.disabled) warnings.push(`${host.name} is disabled: enable it before deploying.`);
  const fit = fitCheck(spec, facts, opts.paramsBillion ? { paramsBillion: opts.paramsBillion } : {});
  for (const r of fit) if (r.check === "exposure") warnings.push(r.message);
  const device = targetDevice(spec, facts);
  if (device === "cpu" && spec.install.method !== "container")
    warnings.push(
      `No GPU in ${host.name}'s facts, or CPU wheels chosen: vLLM runs on the CPU (torch from ${CPU_TORCH_INDEX} unless the index is a mirror). Expect a few tokens per second.`,
    );
  if (spec.install.method === "container" && !facts.docker)
    warnings.push(`Docker was not found on ${host.name}; the container method needs it.`);
  return { fit, commands: describeCommands(spec, facts, { deployPath: host.deployPath }), warnings };
}
