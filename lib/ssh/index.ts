export { quote, toShell, type RemoteCommand } from "./command";
export { SshConnection, describeTarget, lineSplitter, type SshTarget, type ExecResult, type TLineHandler } from "./connection";
export { SshError, type TSshFailure } from "./errors";
