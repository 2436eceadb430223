/** API keys for tests, made as `palimpsest keys create` makes them, and the routes an app serves. */
import type { FastifyInstance } from "fastify";
import { generateKey } from "../../src/auth/keys.js";
import type { Role } from "../../src/auth/roles.js";
import type { Store } from "../../src/store/port.js";

/** Creates a key of `role` in `tenant`; answers the key itself and its id. */
export async function addKey(store: Store, role: Role, tenant: string): Promise<{ key: string; id: string }> {
  const { key, id, hash } = generateKey();
  await store.createKey({ id, tenant, role, hash, createdAt: Date.now() });
  return { key, id };
}

export const bearer = (key: string | undefined): Record<string, string> =>
  key === undefined ? {} : { authorization: `Bearer ${key}` };

/**
 * Every route of the app as "METHOD /path", read from fastify's route tree (printRoutes with
 * commonPrefix false: one line per path segment, indented by depth, methods in parentheses).
 */
export function routesOf(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    stack.length = depth;
    stack.push(match[2] as string);
    const path = stack.join("").replace(/^\/?/, "/").replace(/\/\//g, "/");
    for (const method of match[3]?.split(", ") ?? []) routes.push(`${method} ${path}`);
  }
  return routes;
}
