"use client";

import { createContext, type ReactNode, useContext } from "react";
import { roleAllows, type TRole } from "@/lib/auth/roles";

export interface TSignedInUser {
  email: string;
  name: string;
  role: TRole;
}

const ActorContext = createContext<TSignedInUser | null>(null);

/** The signed-in user, for client components that show or hide actions by role. */
export function ActorProvider({ user, children }: { user: TSignedInUser; children: ReactNode }) {
  return <ActorContext.Provider value={user}>{children}</ActorContext.Provider>;
}

/**
 * Whether the signed-in user's role allows `need`. Hiding a button is a courtesy: the server
 * refuses the action itself whatever the page shows.
 */
export function useCan(need: TRole): boolean {
  const user = useContext(ActorContext);
  return user !== null && roleAllows(user.role, need);
}

/** Renders its children only for a role that allows `need`. */
export function Can({ need, children }: { need: TRole; children: ReactNode }) {
  return useCan(need) ? children : null;
}
