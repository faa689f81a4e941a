import Link from "next/link";
import { Fragment } from "react";

export interface TCrumb {
  label: string;
  href?: string;
}

/** "Hosts / gpu-1 / Edit": every step but the last is a link. */
export function Breadcrumb({ trail }: { trail: readonly TCrumb[] }) {
  return (
    <p className="text-sm text-slate-500">
      {trail.map((crumb, i) => (
        <Fragment key={crumb.href ?? crumb.label}>
          {i > 0 && " / "}
          {crumb.href ? (
            <Link href={crumb.href} className="text-sky-700 hover:underline">
              {crumb.label}
            </Link>
          ) : (
            crumb.label
          )}
        </Fragment>
      ))}
    </p>
  );
}
