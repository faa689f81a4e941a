import type { ReactNode } from "react";
import { RelativeTime } from "@/components/ui/relative-time";
import type { THostView } from "@/lib/hosts/schema";
import { keyTypeLabel } from "@/lib/ssh/host-key";
import { TrustHostKeyButton } from "./trust-host-key-button";

const Fingerprint = ({ value, testId }: { value: string; testId?: string }) => (
  <code
    data-testid={testId}
    className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800"
  >
    {value}
  </code>
);

const typeOf = (type: string | null) => (type ? keyTypeLabel(type) : "a");

/**
 * The host's SSH key: what is pinned, and what the host presented when it differs. WebOps never
 * sends credentials to a host whose key is not the pinned one; this is where the operator decides.
 */
export function HostKeyPanel({ host }: { host: THostView }) {
  const { pinned, pinnedType, trustedAt, seen, seenType, seenAt } = host.hostKey;
  const unverified = !pinned && seen !== null;
  const changed = pinned !== null && seen !== null && seen !== pinned;
  let body: ReactNode;

  if (changed) {
    body = (
      <div
        className="grid gap-3 rounded-md bg-rose-50 p-4 text-sm ring-1 ring-inset ring-rose-300"
        role="alert"
      >
        <p className="font-semibold text-rose-900">The host key changed. WebOps refuses to connect.</p>
        <dl className="grid grid-cols-[max-content_1fr] items-baseline gap-x-4 gap-y-1.5">
          <dt className="text-rose-800">Pinned (old)</dt>
          <dd>
            <Fingerprint value={pinned} testId="host-key-old" />{" "}
            <span className="text-xs text-rose-800">
              {pinnedType ? keyTypeLabel(pinnedType) : ""} trusted{" "}
              <RelativeTime iso={trustedAt} never="at some point" />
            </span>
          </dd>
          <dt className="text-rose-800">Presented (new)</dt>
          <dd>
            <Fingerprint value={seen} testId="host-key-new" />{" "}
            <span className="text-xs text-rose-800">
              {seenType ? keyTypeLabel(seenType) : ""} seen <RelativeTime iso={seenAt} never="recently" />
            </span>
          </dd>
        </dl>
        <p className="text-rose-900">
          This happens when the host was reinstalled or its SSH keys were regenerated, but it is also exactly
          what a machine-in-the-middle attack looks like. Before approving, confirm on the host itself
          (console or another trusted path) with{" "}
          <code className="font-mono text-xs">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> that it
          prints the new fingerprint.
        </p>
        <TrustHostKeyButton
          hostId={host.id}
          fingerprint={seen}
          label="Approve the new key"
          confirm={`Replace the pinned key with ${seen}? Only approve if you know why ${host.name}'s key changed.`}
          checkAfter={!host.disabled}
        />
      </div>
    );
  } else if (unverified) {
    body = (
      <div className="grid gap-3 rounded-md bg-amber-50 p-4 text-sm ring-1 ring-inset ring-amber-300">
        <p className="text-amber-950" data-testid="host-key-first-contact">
          First contact: {host.name} presented {typeOf(seenType)} key{" "}
          <Fingerprint value={seen} testId="host-key-seen" />. Compare it with{" "}
          <code className="font-mono text-xs">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on the
          host.
        </p>
        <TrustHostKeyButton
          hostId={host.id}
          fingerprint={seen}
          label={host.disabled ? "Trust this key" : "Trust this key and check again"}
          checkAfter={!host.disabled}
        />
      </div>
    );
  }

  return (
    <section
      id="host-key"
      data-testid="host-key"
      data-key-state={changed ? "changed" : unverified ? "unverified" : pinned ? "pinned" : "none"}
      aria-labelledby="host-key-title"
      className="grid scroll-mt-6 content-start gap-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
    >
      <h2 id="host-key-title" className="text-base font-semibold">
        Host key
      </h2>
      {body}
      {pinned && !changed && (
        <dl className="grid grid-cols-[max-content_1fr] items-baseline gap-x-4 gap-y-1.5 text-sm">
          <dt className="text-slate-500">Pinned</dt>
          <dd>
            <Fingerprint value={pinned} testId="host-key-pinned" />
          </dd>
          <dt className="text-slate-500">Type</dt>
          <dd>
            {pinnedType ? keyTypeLabel(pinnedType) : <span className="text-slate-400">not known yet</span>}
          </dd>
          <dt className="text-slate-500">Trusted</dt>
          <dd>
            <RelativeTime iso={trustedAt} />
          </dd>
        </dl>
      )}
      {!pinned && !unverified && (
        <p className="text-sm text-slate-600">
          No key pinned yet. The first check stops before sending credentials and shows the key the host
          presents, for you to compare and trust. To verify even the first contact, paste the host's key under
          Edit → Advanced.
        </p>
      )}
    </section>
  );
}
