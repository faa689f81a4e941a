import { AccountPanel } from "@/components/auth/account-panel";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { requirePageActor } from "@/lib/auth/page";
import { ROLE_WORDS } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const actor = await requirePageActor();
  const tokens = await listApiTokens(actor.userId);
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
        <p className="text-sm text-slate-500">
          {actor.email} · {actor.role}: {ROLE_WORDS[actor.role]}
        </p>
      </div>
      <AccountPanel role={actor.role} initialTokens={tokens} />
    </div>
  );
}
