import Link from "next/link";
import { CompareView } from "@/components/deployments/compare-view";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { requirePageActor } from "@/lib/auth/page";
import { compareDeployments, type TComparison } from "@/lib/deployments/compare";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

type TSearchParams = Record<string, string | string[] | undefined>;

/** `a` and `b`, or the first two `id`s the deployments list's checkboxes sent. */
function pickedIds(params: TSearchParams): string[] {
  const a = [params.a ?? []].flat()[0];
  const b = [params.b ?? []].flat()[0];
  if (a && b) return [a, b];
  return [params.id ?? []].flat().filter((v) => v !== "");
}

export default async function ComparePage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  await requirePageActor();
  const ids = pickedIds(await searchParams);
  let comparison: TComparison | null = null;
  let problem: string | null = null;
  if (ids.length !== 2) {
    problem = `Tick exactly two deployments in the list to compare them (${ids.length} chosen).`;
  } else {
    try {
      comparison = await compareDeployments(ids[0] as string, ids[1] as string);
      // Before on the left, after on the right, whatever order the ids came in.
      if (comparison.a.createdAt > comparison.b.createdAt)
        comparison = await compareDeployments(ids[1] as string, ids[0] as string);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problem = err.message;
    }
  }
  return (
    <div className="grid gap-4">
      <div>
        <Breadcrumb trail={[{ label: "Deployments", href: "/deployments" }, { label: "Compare" }]} />
        <h1 className="text-2xl font-semibold tracking-tight">Compare configurations</h1>
      </div>
      {problem && (
        <p className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" role="alert">
          {problem}{" "}
          <Link href="/deployments" className="underline">
            Back to the deployments
          </Link>
        </p>
      )}
      {comparison && <CompareView comparison={comparison} />}
    </div>
  );
}
