/**
 * `palimpsest keys`: API keys, kept in the store the server uses (STORE_PATH or DATA_DIR). A key is
 * printed once, when created, and only its hash is kept. A server running open under AUTH=auto asks
 * for keys from the moment the first one is created.
 */
import { generateKey } from "../../auth/keys.js";
import { isRole, ROLES, TENANT_NAME } from "../../auth/roles.js";
import { openStore } from "../../store/open-store.js";
import type { KeyRecord } from "../../store/port.js";
import { type Command, type CommandContext, UsageError } from "../command.js";
import { EXIT } from "../exit-codes.js";

const MAX_NAME = 100;

export const keys: Command = {
  name: "keys",
  summary: "create, list and revoke API keys (roles reader, submitter, admin; one tenant each)",
  usage: `palimpsest keys create --role ${ROLES.join("|")} --tenant NAME [--name LABEL]
palimpsest keys list
palimpsest keys revoke ID
  create  prints the new key on stdout, once: it is not kept, only its hash is. The key sees only
          its tenant's documents, jobs and results. reader: reads them; submitter: also uploads, runs
          and cancels jobs; admin: also deletes. NAME: lower case letters, digits, . _ - (up to 64).
  list    every key (revoked ones too): id, tenant, role, created, revoked, label.
  revoke  the key stops working at once, and the review-page sessions signed in with it end.`,
  options: {
    role: { type: "string" },
    tenant: { type: "string" },
    name: { type: "string" },
  },
  async run(context) {
    const [action, id, ...extra] = context.positionals;
    if (action === "create" && id === undefined) return create(context);
    if (action === "list" && id === undefined) return list(context);
    if (action === "revoke" && id !== undefined && extra.length === 0) return revoke(context, id);
    throw new UsageError("keys needs create, list or revoke ID.");
  },
};

async function create({ config, values, stdout, stderr }: CommandContext): Promise<number> {
  const { role, tenant, name } = values;
  if (!isRole(role)) throw new UsageError(`--role is one of ${ROLES.join(", ")}.`);
  if (typeof tenant !== "string" || !TENANT_NAME.test(tenant))
    throw new UsageError(
      "--tenant is a name of lower case letters, digits, . _ - (up to 64), e.g. archives-lyon.",
    );
  if (name !== undefined && (typeof name !== "string" || name.length > MAX_NAME))
    throw new UsageError(`--name is a label of at most ${MAX_NAME} characters.`);
  const { key, id, hash } = generateKey();
  const { store } = await openStore(config);
  try {
    await store.createKey({ id, tenant, role, hash, createdAt: Date.now(), ...(name ? { name } : {}) });
  } finally {
    await store.close();
  }
  stderr.write(`Created key ${id} (${role} of tenant ${tenant}). It is shown once: keep it now.\n`);
  stdout.write(`${key}\n`);
  return EXIT.OK;
}

async function list({ config, stdout }: CommandContext): Promise<number> {
  const { store } = await openStore(config);
  let all: KeyRecord[];
  try {
    all = await store.listKeys();
  } finally {
    await store.close();
  }
  const iso = (ms: number | undefined) => (ms === undefined ? "-" : new Date(ms).toISOString());
  stdout.write("id\ttenant\trole\tcreated\trevoked\tname\n");
  for (const key of all)
    stdout.write(
      `${key.id}\t${key.tenant}\t${key.role}\t${iso(key.createdAt)}\t${iso(key.revokedAt)}\t${key.name ?? ""}\n`,
    );
  return EXIT.OK;
}

async function revoke({ config, stdout }: CommandContext, id: string): Promise<number> {
  const { store } = await openStore(config);
  try {
    const key = await store.getKey(id);
    if (!key) throw new UsageError(`There is no key ${id} (palimpsest keys list shows them).`);
    if (await store.revokeKey(id, Date.now())) stdout.write(`Revoked key ${id}.\n`);
    else stdout.write(`Key ${id} was revoked already.\n`);
  } finally {
    await store.close();
  }
  return EXIT.OK;
}
