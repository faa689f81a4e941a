import { db } from "../db";
import type { TDeploymentSpec } from "../deployments/schema";
import { unsealDeploymentSecret } from "../deployments/secrets";
import { AppError } from "../errors";
import { hostConnectionInfo, type THostConnectionInfo } from "../hosts/ssh-target";
import { modelAddress } from "./address";
import type { TModelEndpoint } from "./model-client";

export interface TRunningModel {
  deploymentId: string;
  hostId: string;
  servedModelName: string;
  endpoint: TModelEndpoint;
  connection: THostConnectionInfo;
}

/**
 * A running deployment's model server: how to reach it through its host, with the API key unsealed
 * (kept on the server: it goes only into the request sent through the SSH channel).
 * 404 when there is no such deployment, 409 when it is not running.
 */
export async function runningModel(deploymentId: string): Promise<TRunningModel> {
  const dep = await db().deployment.findUnique({
    where: { id: deploymentId },
    select: { id: true, hostId: true, status: true, spec: true, apiKeySealed: true },
  });
  if (!dep) throw new AppError("not_found", "No such deployment");
  if (dep.status !== "running")
    throw new AppError(
      "conflict",
      `This deployment is ${dep.status}; the playground and load tests need a running deployment`,
    );
  const spec = dep.spec as unknown as TDeploymentSpec;
  const info = await hostConnectionInfo(dep.hostId);
  if (!info) throw new AppError("not_found", "The deployment's host was deleted");
  if (info.host.disabled)
    throw new AppError("conflict", `${info.host.name} is disabled; enable it to reach its deployments`);
  return {
    deploymentId: dep.id,
    hostId: dep.hostId,
    servedModelName: spec.servedModelName,
    endpoint: {
      ...modelAddress(spec),
      apiKey: dep.apiKeySealed ? unsealDeploymentSecret(dep.id, "apiKey", dep.apiKeySealed) : undefined,
    },
    connection: info,
  };
}
