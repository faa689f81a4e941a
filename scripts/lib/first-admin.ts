import { generatePassword } from "../../lib/auth/password";
import { bootstrapAdmin } from "../../lib/auth/users";

/**
 * The first start of an empty database creates an admin: WEBOPS_ADMIN_EMAIL (default
 * admin@webops.local) with WEBOPS_ADMIN_PASSWORD, or a generated password printed once here.
 * Later starts do nothing. Needs DATABASE_URL set in this process.
 */
export async function ensureFirstAdmin(env: NodeJS.ProcessEnv, signInUrl: string): Promise<void> {
  const email = env.WEBOPS_ADMIN_EMAIL?.trim() || "admin@webops.local";
  const given = env.WEBOPS_ADMIN_PASSWORD ?? "";
  const password = given !== "" ? given : generatePassword();
  const created = await bootstrapAdmin(email, password);
  if (!created) return;
  console.log(`[webops] first start: created the admin ${created.email}`);
  if (given !== "") console.log("[webops] its password is WEBOPS_ADMIN_PASSWORD");
  else {
    console.log(`[webops] one-time password (shown only now): ${password}`);
    console.log(`[webops] sign in at ${signInUrl}/signin and change it under Account`);
  }
}
