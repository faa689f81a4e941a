import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticate, type TActor } from "./authenticate";
import { roleAllows, type TRole } from "./roles";

/**
 * For every page of the panel, on the server: the signed-in actor, or a redirect to sign-in (no
 * session) or to the "needs a role" page (a role too low). The proxy (proxy.ts) already sends
 * browsers without a session cookie to sign-in with the page to return to; this is the check that
 * counts, run for each page render, client-side navigations included.
 */
export async function requirePageActor(need: TRole = "viewer"): Promise<TActor> {
  const actor = await authenticate(await headers());
  if (!actor) redirect("/signin");
  if (!roleAllows(actor.role, need)) redirect(`/denied?need=${need}`);
  return actor;
}
