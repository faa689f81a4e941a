import { db } from "../db";
import { AppError } from "../errors";
import { isPrereqProfileId, PREREQ_PROFILE_IDS } from "../prerequisites/profiles";
import { queueOperation } from "./queue-operation";

/** Records a prerequisites run (check only, or check and install) and queues it. */
export async function startPrerequisites(
  hostId: string,
  input: unknown,
  createdBy: string | null = null,
): Promise<{ operationId: string }> {
  const body = (input ?? {}) as { profile?: unknown; mode?: unknown };
  const fields: Record<string, string> = {};
  if (!isPrereqProfileId(body.profile)) fields.profile = `One of ${PREREQ_PROFILE_IDS.join(", ")}`;
  if (body.mode !== "check" && body.mode !== "install") fields.mode = "check or install";
  if (Object.keys(fields).length > 0) throw new AppError("validation", "Some fields need attention", fields);
  const host = await db().host.findUnique({
    where: { id: hostId },
    select: { id: true, name: true, disabled: true },
  });
  if (!host) throw new AppError("not_found", "No such host");
  if (host.disabled) throw new AppError("conflict", `${host.name} is disabled; enable it first`);
  const op = await db().operation.create({
    data: {
      kind: "prerequisites",
      hostId,
      createdBy,
      params: { profile: body.profile as string, mode: body.mode as string },
    },
    select: { id: true },
  });
  await queueOperation("prerequisites", op.id);
  return { operationId: op.id };
}
