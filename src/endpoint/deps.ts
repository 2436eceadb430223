import type { BaseLogger } from "pino";
import type { Prober } from "./probe.js";
import type { Retrier } from "./retry.js";
import type { Transport } from "./transport.js";

/** What both adapters are built from; create-endpoint.ts wires them. */
export interface AdapterDeps {
  transport: Transport;
  retry: Retrier;
  /** One short GET, never retried, for readiness probes (probe.ts). */
  probe: Prober;
  logger: Pick<BaseLogger, "info" | "warn">;
}
