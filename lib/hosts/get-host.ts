import { db } from "../db";
import { AppError } from "../errors";
import type { THostView } from "./schema";
import { hostViewSelect, toHostView } from "./view";

export async function getHost(id: string): Promise<THostView> {
  const host = await db().host.findUnique({ where: { id }, select: hostViewSelect });
  if (!host) throw new AppError("not_found", "No such host");
  return toHostView(host);
}
