import { db } from "@/lib/db";
import { createHost } from "@/lib/hosts/save-host";
import type { THostFormInput } from "@/lib/hosts/schema";
import { followOperationLog } from "@/lib/operations/follow-operation-log";
import { resumeOperation } from "@/lib/operations/resume-operation";
import { startHostCheck } from "@/lib/operations/start-host-check";
import { startPrerequisites } from "@/lib/operations/start-prerequisites";
import type { TPrereqResult } from "@/lib/prerequisites/result";
import type { TestHost } from "../hosts";

let counter = 0;

/** Adds a test host to the inventory with its key auth, its host key pinned up front unless told. */
export async function addHost(host: TestHost, overrides: Partial<THostFormInput> = {}) {
  counter += 1;
  return createHost({
    name: `${host.name}-${process.pid}-${counter}`,
    address: host.address,
    port: host.port,
    username: host.user,
    auth: "key",
    privateKey: host.privateKey,
    expectedHostKey: host.hostKeyFingerprint,
    ...overrides,
  });
}

/** Queues a check through the real worker and follows its log to the end. */
export async function runCheck(hostId: string) {
  const started = Date.now();
  const { operationId } = await startHostCheck(hostId);
  const texts: string[] = [];
  for await (const event of followOperationLog(operationId, 0, new AbortController().signal)) {
    if (event.type === "line") texts.push(event.line.text);
  }
  const operation = await db().operation.findUniqueOrThrow({
    where: { id: operationId },
    include: { host: true },
  });
  return { operation, texts, elapsedMs: Date.now() - started };
}

/** Queues a prerequisites run (or resumes a blocked one) and follows its log until it stops. */
export async function runPrerequisitesOf(
  hostId: string,
  body: { profile: string; mode: "check" | "install" } | { resume: string },
) {
  const started = Date.now();
  const { operationId } =
    "resume" in body ? await resumeOperation(body.resume) : await startPrerequisites(hostId, body);
  const texts: string[] = [];
  const after = (await db().operation.findUniqueOrThrow({ where: { id: operationId } })).lineCount;
  for await (const event of followOperationLog(operationId, after, new AbortController().signal)) {
    if (event.type === "line") texts.push(event.line.text);
  }
  const operation = await db().operation.findUniqueOrThrow({
    where: { id: operationId },
    include: { host: true },
  });
  return {
    operation,
    texts,
    result: operation.result as unknown as TPrereqResult,
    elapsedMs: Date.now() - started,
  };
}
