import ssh2 from "ssh2";
import { masterKey, seal, unseal } from "../secrets";
import { hostSecretContext, type THostSecretField } from "../secrets/contexts";
import { generateEd25519KeyPair } from "../ssh/keygen";

/** Checks a private key (and its passphrase) is one ssh2 can use. Messages never echo the key. */
export function readPrivateKey(
  privateKey: string,
  passphrase: string | undefined,
): { publicKey: string } | { field: "privateKey" | "passphrase"; problem: string } {
  const parsed = ssh2.utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message))
      return { field: "passphrase", problem: "This key is protected by a passphrase; enter it" };
    if (/bad passphrase|decrypt|integrity/i.test(parsed.message) && passphrase)
      return { field: "passphrase", problem: "The passphrase does not open this key" };
    return {
      field: "privateKey",
      problem: "This is not a private key WebOps can read (OpenSSH or PEM: Ed25519, ECDSA or RSA expected)",
    };
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey())
    return { field: "privateKey", problem: "This is a public key; paste the private key" };
  return { publicKey: `${key.type} ${key.getPublicSSH().toString("base64")}` };
}

/** A fresh Ed25519 key pair; the public half as an authorized_keys line naming WebOps and the host. */
export function generateKeyPair(hostName: string): { privateKey: string; publicKey: string } {
  const pair = generateEd25519KeyPair({ comment: `webops@${hostName}` });
  return { privateKey: pair.private, publicKey: pair.public };
}

export function sealHostSecret(hostId: string, field: THostSecretField, value: string): string {
  return seal(masterKey(), value, hostSecretContext(hostId, field));
}

export function unsealHostSecret(hostId: string, field: THostSecretField, sealed: string): string {
  return unseal(masterKey(), sealed, hostSecretContext(hostId, field));
}
