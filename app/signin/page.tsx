import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { authenticate } from "@/lib/auth/authenticate";

export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const { next } = await searchParams;
  if (await authenticate(await headers())) redirect("/hosts");
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 px-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Sign in to WebOps</h1>
        <p className="text-sm text-slate-500">
          Accounts are made by an admin. The first admin&apos;s password is printed by the first{" "}
          <code>npm start</code>, or set with WEBOPS_ADMIN_PASSWORD.
        </p>
      </div>
      <SignInForm next={typeof next === "string" ? next : undefined} />
    </main>
  );
}
