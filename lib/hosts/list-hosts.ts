import { db } from "../db";
import type { THostView } from "./schema";
import { hostViewSelect, toHostView } from "./view";

export async function listHosts(): Promise<THostView[]> {
  const hosts = await db().host.findMany({ select: hostViewSelect, orderBy: { name: "asc" } });
  return hosts.map(toHostView);
}
