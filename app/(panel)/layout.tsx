import Link from "next/link";
import type { ReactNode } from "react";

export default function PanelLayout({ children }: { children: ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <nav className="mx-auto flex max-w-6xl items-center gap-6 px-6 py-3">
          <Link href="/hosts" className="text-lg font-semibold tracking-tight">
            WebOps
          </Link>
          <Link href="/hosts" className="text-sm text-slate-600 hover:text-slate-900">
            Hosts
          </Link>
          <Link href="/deployments" className="text-sm text-slate-600 hover:text-slate-900">
            Deployments
          </Link>
          <Link href="/dashboard" className="text-sm text-slate-600 hover:text-slate-900">
            Dashboard
          </Link>
          <Link href="/settings/webhooks" className="text-sm text-slate-600 hover:text-slate-900">
            Webhooks
          </Link>
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </div>
  );
}
