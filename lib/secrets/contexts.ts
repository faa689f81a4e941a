/** A host's sealed fields and the context each is bound to: a value moved to another row or field fails. */
export type THostSecretField = "privateKey" | "passphrase" | "password";

export function hostSecretContext(hostId: string, field: THostSecretField): string {
  return `host:${hostId}:${field}`;
}

/** A deployment's sealed fields: the vLLM API key and the Hugging Face token. */
export type TDeploymentSecretField = "apiKey" | "hfToken";

/** An outgoing webhook's signing secret, bound to its endpoint: a value copied to another row does not open. */
export function webhookSecretContext(endpointId: string): string {
  return `webhook:${endpointId}:secret`;
}

export function deploymentSecretContext(deploymentId: string, field: TDeploymentSecretField): string {
  return `deployment:${deploymentId}:${field}`;
}
