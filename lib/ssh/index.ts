export { quote, type RemoteCommand, toShell } from "./command";
export {
  type ConnectOptions,
  describeTarget,
  type ExecResult,
  lineSplitter,
  type SshAuth,
  SshConnection,
  type SshTarget,
  type TLineHandler,
} from "./connection";
export { HostKeyError, SshError, type TPresentedHostKey, type TSshFailure } from "./errors";
export {
  fingerprintOf,
  keyTypeLabel,
  keyTypeOf,
  parseExpectedHostKey,
  type TExpectedHostKey,
} from "./host-key";
export { SshPool } from "./pool";
