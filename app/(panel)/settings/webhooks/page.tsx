import { WebhooksSettings } from "@/components/webhooks/webhooks-settings";
import { requirePageActor } from "@/lib/auth/page";
import { listWebhooks } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";

export default async function WebhooksPage() {
  await requirePageActor("admin");
  const webhooks = await listWebhooks();
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Webhooks</h1>
        <p className="text-sm text-slate-500">
          WebOps posts an event when a deployment starts running, fails, is blocked, or its health changes;
          failed deliveries are retried with growing delays.
        </p>
      </div>
      <WebhooksSettings initial={webhooks} />
    </div>
  );
}
