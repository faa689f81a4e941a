/** A host's sealed fields and the context each is bound to: a value moved to another row or field fails. */
export type THostSecretField = "privateKey" | "passphrase" | "password";

export function hostSecretContext(hostId: string, field: THostSecretField): string {
  return `host:${hostId}:${field}`;
}

/** A deployment's sealed fields: the vLLM API key and the Hugging Face token. */
export type TDeploymentSecretField = "apiKey" | "hfToken";

export function deploymentSecretContext(deploymentId: string, field: TDeploymentSecretField): string {
  return `deployment:${deploymentId}:${field}`;
}
