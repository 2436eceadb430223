import type { BaseLogger } from "pino";
import type { Retrier } from "./retry.js";
import type { Transport } from "./transport.js";

/** What both adapters are built from; create-endpoint.ts wires them. */
export interface AdapterDeps {
  transport: Transport;
  retry: Retrier;
  logger: Pick<BaseLogger, "info" | "warn">;
}
