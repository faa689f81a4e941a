import { describe, expect, it } from "vitest";
import { cookieValue, crossSiteRefusal } from "@/lib/auth/authenticate";
import { ROLES, roleAllows } from "@/lib/auth/roles";
import { exposition } from "@/lib/ops/prometheus";

describe("roles", () => {
  it("orders viewer < operator < admin, each allowing what those below may", () => {
    const allowed = ROLES.flatMap((role) =>
      ROLES.filter((need) => roleAllows(role, need)).map((n) => `${role}>=${n}`),
    );
    expect(allowed).toEqual([
      "viewer>=viewer",
      "operator>=viewer",
      "operator>=operator",
      "admin>=viewer",
      "admin>=operator",
      "admin>=admin",
    ]);
  });
});

describe("cross-site refusal", () => {
  const url = "http://panel.example:3000/api/x";
  const headers = (h: Record<string, string>) => new Headers({ host: "panel.example:3000", ...h });
  it("lets same-origin and header-less (non-browser) requests through", () => {
    expect(crossSiteRefusal(headers({ origin: "http://panel.example:3000" }), url)).toBeNull();
    expect(crossSiteRefusal(headers({ "sec-fetch-site": "same-origin" }), url)).toBeNull();
    expect(crossSiteRefusal(headers({}), url)).toBeNull();
  });
  it("refuses another origin, a cross-site or same-site fetch, and an Origin that is no URL", () => {
    const refused: Record<string, string>[] = [
      { origin: "http://evil.example" },
      { origin: "http://panel.example:3001" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "null" },
    ];
    for (const h of refused) expect(crossSiteRefusal(headers(h), url), JSON.stringify(h)).not.toBeNull();
  });
});

describe("cookieValue", () => {
  it("finds one cookie among several, and nothing in a malformed header", () => {
    expect(cookieValue("a=1; webops_session=ws_x%2Fy; b=2", "webops_session")).toBe("ws_x/y");
    expect(cookieValue("webops_sessionx=1", "webops_session")).toBeUndefined();
    expect(cookieValue(null, "webops_session")).toBeUndefined();
  });
});

describe("Prometheus exposition", () => {
  it("writes HELP, TYPE and samples, escaping label values", () => {
    const text = exposition([
      {
        name: "webops_jobs",
        help: "Jobs\nby state",
        type: "gauge",
        samples: [
          { labels: { queue: 'we"ird\\q\nx', state: "active" }, value: 2 },
          { value: Number.POSITIVE_INFINITY },
        ],
      },
      {
        name: "webops_job_duration_seconds",
        help: "h",
        type: "histogram",
        samples: [{ suffix: "_count", value: 3 }],
      },
    ]);
    expect(text).toBe(
      [
        "# HELP webops_jobs Jobs\\nby state",
        "# TYPE webops_jobs gauge",
        'webops_jobs{queue="we\\"ird\\\\q\\nx",state="active"} 2',
        "webops_jobs +Inf",
        "# HELP webops_job_duration_seconds h",
        "# TYPE webops_job_duration_seconds histogram",
        "webops_job_duration_seconds_count 3",
        "",
      ].join("\n"),
    );
  });
});
