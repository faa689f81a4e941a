import Link from "next/link";

type TParams = Partial<Record<string, string | string[]>>;

/** A list page's address with its filters kept (empty ones dropped) and, for a later page, its cursor. */
export function pageHref(
  path: string,
  filters: readonly string[],
  params: TParams,
  cursor: string | null,
): string {
  const next = new URLSearchParams();
  for (const name of filters)
    for (const value of [params[name] ?? []].flat()) if (value !== "") next.append(name, value);
  if (cursor) next.set("cursor", cursor);
  const qs = next.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Newest / Older links of a keyset-paginated list: Newest once past the first page, Older while more follow. */
export function KeysetPager({ newest, older }: { newest: string | null; older: string | null }) {
  if (!newest && !older) return null;
  return (
    <nav className="flex justify-end gap-4 text-sm" aria-label="Pages">
      {newest && (
        <Link href={newest} className="text-sky-700 hover:underline">
          Newest
        </Link>
      )}
      {older && (
        <Link href={older} className="text-sky-700 hover:underline" rel="next">
          Older
        </Link>
      )}
    </nav>
  );
}
