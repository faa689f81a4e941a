import { UsersAdmin } from "@/components/auth/users-admin";
import { requirePageActor } from "@/lib/auth/page";
import { listUsers } from "@/lib/auth/users";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const actor = await requirePageActor("admin");
  const users = await listUsers();
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="text-sm text-slate-500">
          Who may sign in, and with which role. A new role, a new password or disabling signs the user out
          everywhere.
        </p>
      </div>
      <UsersAdmin initial={users} selfEmail={actor.email} />
    </div>
  );
}
