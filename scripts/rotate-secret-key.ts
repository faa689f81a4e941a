// `npm run secrets:rotate`: re-seals every stored credential under a new master key.
//   Key file (default): makes a new key, re-seals, then replaces the file. Nothing to configure.
//   WEBOPS_SECRET_KEY:  set WEBOPS_NEW_SECRET_KEY to the new key; afterwards set WEBOPS_SECRET_KEY to it.
// Stop WebOps first (npm stop): running processes hold the old key. Running it again after an
// interruption finishes the rotation.
import { existsSync, renameSync } from "node:fs";
import { db, disconnectDb } from "../lib/db";
import { generateMasterKey, type MasterKey } from "../lib/secrets/cipher";
import {
  createKeyFile,
  loadMasterKey,
  parseMasterKey,
  readKeyFile,
  secretKeyFilePath,
} from "../lib/secrets/master-key";
import { resealAll } from "../lib/secrets/rotate";
import { runningPid } from "./lib/app-processes";
import { scriptConfig } from "./lib/config";
import { startPostgres } from "./lib/services";

async function main(): Promise<void> {
  const config = scriptConfig();
  const running = (["web", "worker"] as const).filter((name) => runningPid(config.dataDir, name));
  if (running.length > 0) {
    throw new Error(`WebOps is running (${running.join(", ")}); stop it first with: npm stop`);
  }
  // The project-local database is started if `npm stop` stopped it; `npm start` later reuses it.
  process.env.DATABASE_URL = config.databaseUrl ?? (await startPostgres(config.dataDir, config.postgresPort));

  const fromEnv = Boolean(process.env.WEBOPS_SECRET_KEY);
  const keyFile = secretKeyFilePath({ ...process.env, WEBOPS_DATA_DIR: config.dataDir });
  const nextFile = `${keyFile}.next`;
  let current: MasterKey;
  let next: MasterKey;
  if (fromEnv) {
    current = loadMasterKey();
    const given = process.env.WEBOPS_NEW_SECRET_KEY;
    if (!given) {
      throw new Error(
        "The master key comes from WEBOPS_SECRET_KEY: set WEBOPS_NEW_SECRET_KEY to the new key (`openssl rand -base64 32`), run this again, then set WEBOPS_SECRET_KEY to the new key",
      );
    }
    next = parseMasterKey(given, "WEBOPS_NEW_SECRET_KEY");
  } else {
    current = readKeyFile(keyFile);
    // The new key is on disk before any secret is sealed under it, so no crash can lose it.
    if (!existsSync(nextFile)) {
      const key = process.env.WEBOPS_NEW_SECRET_KEY
        ? parseMasterKey(process.env.WEBOPS_NEW_SECRET_KEY, "WEBOPS_NEW_SECRET_KEY")
        : generateMasterKey();
      createKeyFile(nextFile, key);
    }
    next = readKeyFile(nextFile);
  }
  if (next.id === current.id) throw new Error("The new master key is the current one");

  const outcome = await resealAll(db(), current, next);
  if (!fromEnv) renameSync(nextFile, keyFile);
  console.log(
    `[webops] re-sealed ${outcome.resealed} secret(s) in ${outcome.rows} record(s) (hosts, deployments, webhooks) under master key ${next.id} (was ${current.id})` +
      (outcome.alreadyNew > 0 ? `; ${outcome.alreadyNew} already were` : ""),
  );
  console.log(
    fromEnv
      ? "[webops] now set WEBOPS_SECRET_KEY to the new key (the value of WEBOPS_NEW_SECRET_KEY), then npm start"
      : `[webops] ${keyFile} holds the new key; back it up, then npm start`,
  );
}

main()
  .catch((err: unknown) => {
    console.error(`[webops] ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
