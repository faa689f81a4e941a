import { redirect } from "next/navigation";

// The settings have one page so far.
export default function SettingsPage() {
  redirect("/settings/webhooks");
}
