export { generateMasterKey, type MasterKey, SecretError, seal, sealedKeyId, unseal } from "./cipher";
export {
  createKeyFile,
  loadMasterKey,
  masterKey,
  parseMasterKey,
  readKeyFile,
  secretKeyFilePath,
} from "./master-key";
