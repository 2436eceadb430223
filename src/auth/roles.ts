/**
 * Who may do what: each API key has one role, each route names the least role it needs, and a role
 * includes every role before it in ROLES.
 */

/** reader: read results, documents and jobs; submitter: also upload, extract, run and cancel jobs; admin: also delete. */
export const ROLES = ["reader", "submitter", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What a route asks: a role, or nothing at all ("public": signing in, signing out). */
export type Access = Role | "public";

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}

/** Whether a key with role `held` may use a route that asks for `needed`. */
export function allows(held: Role, needed: Access): boolean {
  return needed === "public" || ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** Everything stored before tenants existed, everything done in open mode, and the CLI's own jobs. */
export const DEFAULT_TENANT = "default";

/** Tenant names: short, lower case, safe in a log line and a URL. */
export const TENANT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
