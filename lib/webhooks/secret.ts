import { masterKey, seal, unseal } from "../secrets";

/** Binds a sealed signing secret to its endpoint: a value copied to another row does not open. */
export function webhookSecretContext(endpointId: string): string {
  return `webhook:${endpointId}:secret`;
}

export function sealWebhookSecret(endpointId: string, secret: string): string {
  return seal(masterKey(), secret, webhookSecretContext(endpointId));
}

export function unsealWebhookSecret(endpointId: string, sealed: string): string {
  return unseal(masterKey(), sealed, webhookSecretContext(endpointId));
}
