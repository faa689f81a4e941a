import { masterKey, seal, unseal } from "../secrets";
import { deploymentSecretContext, type TDeploymentSecretField } from "../secrets/contexts";
import type { TDeploymentSpec } from "./schema";

export function sealDeploymentSecret(
  deploymentId: string,
  field: TDeploymentSecretField,
  value: string,
): string {
  return seal(masterKey(), value, deploymentSecretContext(deploymentId, field));
}

export function unsealDeploymentSecret(
  deploymentId: string,
  field: TDeploymentSecretField,
  sealed: string,
): string {
  return unseal(masterKey(), sealed, deploymentSecretContext(deploymentId, field));
}

/** The spec as stored: secrets left out (they are sealed in their own columns). */
export function withoutSecrets(spec: TDeploymentSpec): TDeploymentSpec {
  return { ...spec, hfToken: undefined, serve: { ...spec.serve, apiKey: undefined } };
}

/** The stored spec with its secrets unsealed again: what the worker runs. */
export function withSecrets(
  deploymentId: string,
  stored: TDeploymentSpec,
  sealed: { apiKeySealed: string | null; hfTokenSealed: string | null },
): TDeploymentSpec {
  return {
    ...stored,
    ...(sealed.hfTokenSealed
      ? { hfToken: unsealDeploymentSecret(deploymentId, "hfToken", sealed.hfTokenSealed) }
      : {}),
    serve: {
      ...stored.serve,
      ...(sealed.apiKeySealed
        ? { apiKey: unsealDeploymentSecret(deploymentId, "apiKey", sealed.apiKeySealed) }
        : {}),
    },
  };
}
