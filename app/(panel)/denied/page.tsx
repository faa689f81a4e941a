import Link from "next/link";
import { requirePageActor } from "@/lib/auth/page";
import { isRole, ROLE_WORDS } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";

export default async function DeniedPage({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const actor = await requirePageActor();
  const { need } = await searchParams;
  return (
    <div className="grid max-w-xl gap-3">
      <h1 className="text-2xl font-semibold tracking-tight">That page needs another role</h1>
      <p className="text-sm text-slate-600">
        {isRole(need) ? `It needs the ${need} role (${ROLE_WORDS[need]}). ` : ""}
        You are signed in as {actor.email}, a {actor.role} ({ROLE_WORDS[actor.role]}). An admin can change
        your role.
      </p>
      <Link href="/deployments" className="text-sm text-sky-700 hover:underline">
        Back to deployments
      </Link>
    </div>
  );
}
