import { masterKey, seal, unseal } from "../secrets";
import { webhookSecretContext } from "../secrets/contexts";

export { webhookSecretContext };

export function sealWebhookSecret(endpointId: string, secret: string): string {
  return seal(masterKey(), secret, webhookSecretContext(endpointId));
}

export function unsealWebhookSecret(endpointId: string, sealed: string): string {
  return unseal(masterKey(), sealed, webhookSecretContext(endpointId));
}
