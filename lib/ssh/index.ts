export { quote, type RemoteCommand, toShell } from "./command";
export {
  describeTarget,
  type ExecResult,
  lineSplitter,
  SshConnection,
  type SshTarget,
  type TLineHandler,
} from "./connection";
export { SshError, type TSshFailure } from "./errors";
