import { redirect } from "next/navigation";
import { requirePageActor } from "@/lib/auth/page";

// The settings have one page so far.
export default async function SettingsPage() {
  await requirePageActor("admin");
  redirect("/settings/webhooks");
}
