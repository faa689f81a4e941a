/** What a user may do, lowest first: each role may do all that the ones below it may. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type TRole = (typeof ROLES)[number];

const RANK: Record<TRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` is enough for something that needs `need`. */
export function roleAllows(role: TRole, need: TRole): boolean {
  return RANK[role] >= RANK[need];
}

export const ROLE_WORDS: Record<TRole, string> = {
  admin: "users, hosts, credentials and settings, and all an operator may",
  operator: "deploy, cancel, stop, run checks and installs",
  viewer: "read history, logs and metrics; no secrets, no actions",
};

export function isRole(value: unknown): value is TRole {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
