import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { dirname, resolve } from "node:path";

type TEnvVars = Readonly<Record<string, string | undefined>>;

import {
  generateMasterKey,
  MASTER_KEY_BYTES,
  type MasterKey,
  masterKeyFromBytes,
  SecretError,
} from "./cipher";

/**
 * The master key comes from WEBOPS_SECRET_KEY (32 bytes, base64 or hex) or, without it, from a key
 * file (WEBOPS_SECRET_KEY_FILE, default <data dir>/secret.key) that the first `npm start` creates
 * with mode 0600. A key file that others can read is refused.
 */
export function secretKeyFilePath(env: TEnvVars = process.env): string {
  return resolve(env.WEBOPS_SECRET_KEY_FILE || resolve(env.WEBOPS_DATA_DIR || ".data", "secret.key"));
}

const HOW_TO_MAKE = "`openssl rand -base64 32` makes one";

export function parseMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) bytes = Buffer.from(trimmed, "base64");
  if (bytes?.length !== MASTER_KEY_BYTES) {
    throw new SecretError(
      "bad_master_key",
      `${source} must hold ${MASTER_KEY_BYTES} random bytes as base64 (44 characters) or hex (64); ${HOW_TO_MAKE}`,
    );
  }
  return masterKeyFromBytes(bytes);
}

export function readKeyFile(path: string): MasterKey {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SecretError(
      "bad_master_key",
      code === "ENOENT"
        ? `No master key: set WEBOPS_SECRET_KEY, or run \`npm start\` once to create ${path}`
        : `Cannot read the master key file ${path} (${code})`,
    );
  }
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new SecretError(
        "bad_master_key",
        `The master key file ${path} has mode 0${mode.toString(8)}; other users could read it. Run: chmod 600 ${path}`,
      );
    }
    return parseMasterKey(readFileSync(fd, "utf8"), `The master key file ${path}`);
  } finally {
    closeSync(fd);
  }
}

/** Writes a new key file with mode 0600; never overwrites one. Returns false when it existed. */
export function createKeyFile(path: string, key: MasterKey = generateMasterKey()): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, `${key.bytes.toString("base64")}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

export function loadMasterKey(env: TEnvVars = process.env): MasterKey {
  const fromEnv = env.WEBOPS_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv !== "") return parseMasterKey(fromEnv, "WEBOPS_SECRET_KEY");
  return readKeyFile(secretKeyFilePath(env));
}

let cached: MasterKey | undefined;

/** The process's master key, read once. */
export function masterKey(): MasterKey {
  cached ??= loadMasterKey();
  return cached;
}
