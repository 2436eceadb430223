/**
 * Who is asking: a key (Authorization: Bearer), a review-page session (its cookie), or anyone in open
 * mode. Knows nothing of HTTP; the API's authentication plugin asks it.
 */
import type { Config } from "../config.js";
import type { KeyRecord, Store } from "../store/port.js";
import { keyId, matchesKey, sha256Hex } from "./keys.js";
import type { AuthMode } from "./mode.js";
import { DEFAULT_TENANT, type Role } from "./roles.js";
import { newSessionToken } from "./sessions.js";

export interface Principal {
  tenant: string;
  role: Role;
  /** The key presented, directly or through a session; absent in open mode (no quotas apply then). */
  keyId?: string;
  via: "bearer" | "session" | "open";
  /** The session cookie's token, for the CSRF check of the page's requests. */
  session?: string;
}

/** Whose a job submitted by the principal is: its tenant's, counted against its key. */
export function jobOwner(principal: Principal): { tenant: string; createdBy?: string } {
  return {
    tenant: principal.tenant,
    ...(principal.keyId === undefined ? {} : { createdBy: principal.keyId }),
  };
}

/** Everyone in open mode: an admin of the default tenant. */
const OPEN: Principal = { tenant: DEFAULT_TENANT, role: "admin", via: "open" };

const principalOf = (key: KeyRecord, via: "bearer" | "session", session?: string): Principal => ({
  tenant: key.tenant,
  role: key.role,
  keyId: key.id,
  via,
  ...(session === undefined ? {} : { session }),
});

export class Authenticator {
  private current: AuthMode;

  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, "auth" | "sessionTtlMs">,
    startMode: AuthMode,
    private readonly now: () => number = Date.now,
  ) {
    this.current = startMode;
  }

  /**
   * Open mode under AUTH=auto lasts until a key is created (by the CLI, maybe while the server runs):
   * from then on, keys are asked for good.
   */
  async mode(): Promise<AuthMode> {
    if (this.current === "open" && this.config.auth === "auto" && (await this.store.hasKeys()))
      this.current = "keys";
    return this.current;
  }

  /** The principal of open mode; undefined once keys are asked. */
  async open(): Promise<Principal | undefined> {
    return (await this.mode()) === "open" ? OPEN : undefined;
  }

  async byKey(presented: string): Promise<Principal | undefined> {
    const key = await this.validKey(presented);
    return key && principalOf(key, "bearer");
  }

  async bySession(token: string): Promise<Principal | undefined> {
    const key = await this.store.findSession(sha256Hex(token), this.now());
    return key && principalOf(key, "session", token);
  }

  /** A session for the key, or undefined when the key is not valid. */
  async signIn(presented: string): Promise<{ token: string; principal: Principal } | undefined> {
    const key = await this.validKey(presented);
    if (!key) return undefined;
    const token = newSessionToken();
    const createdAt = this.now();
    await this.store.createSession({
      hash: sha256Hex(token),
      keyId: key.id,
      createdAt,
      expiresAt: createdAt + this.config.sessionTtlMs,
    });
    return { token, principal: principalOf(key, "session", token) };
  }

  async signOut(token: string): Promise<void> {
    await this.store.deleteSession(sha256Hex(token));
  }

  private async validKey(presented: string): Promise<KeyRecord | undefined> {
    const id = keyId(presented);
    const key = id === undefined ? undefined : await this.store.getKey(id);
    return key && key.revokedAt === undefined && matchesKey(presented, key) ? key : undefined;
  }
}
