import Link from "next/link";
import type { ReactNode } from "react";
import { ActorProvider } from "@/components/auth/actor-context";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { requirePageActor } from "@/lib/auth/page";
import { roleAllows } from "@/lib/auth/roles";

const NAV = "text-sm text-slate-600 hover:text-slate-900";

export default async function PanelLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  const admin = roleAllows(actor.role, "admin");
  return (
    <ActorProvider user={{ email: actor.email, name: actor.name, role: actor.role }}>
      <div className="min-h-screen">
        <header className="border-b border-slate-200 bg-white">
          <nav className="mx-auto flex max-w-6xl items-center gap-6 px-6 py-3">
            <Link href="/hosts" className="text-lg font-semibold tracking-tight">
              WebOps
            </Link>
            <Link href="/hosts" className={NAV}>
              Hosts
            </Link>
            <Link href="/deployments" className={NAV}>
              Deployments
            </Link>
            <Link href="/operations" className={NAV}>
              Operations
            </Link>
            <Link href="/dashboard" className={NAV}>
              Dashboard
            </Link>
            {admin && (
              <>
                <Link href="/settings/webhooks" className={NAV}>
                  Webhooks
                </Link>
                <Link href="/settings/users" className={NAV}>
                  Users
                </Link>
                <Link href="/audit" className={NAV}>
                  Audit log
                </Link>
              </>
            )}
            <span className="ml-auto flex items-center gap-4">
              <Link href="/account" className={NAV} data-testid="signed-in-as">
                {actor.email} · {actor.role}
              </Link>
              <SignOutButton />
            </span>
          </nav>
        </header>
        <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
      </div>
    </ActorProvider>
  );
}
