/** Version 3 of the PostgreSQL schema: the model slots every process shares (model-slots.ts). */
import type { Migration } from "./migrations.js";

export const MODEL_SLOTS_MIGRATION: Migration = {
  version: 3,
  name: "model slots",
  sql: `
  -- One row per call a model server takes at once. A slot is free when it has no holder, or when its
  -- holder stopped renewing it (the process died): lease_until is the database's clock, not a machine's.
  CREATE TABLE model_slots (
    server text NOT NULL,
    slot integer NOT NULL,
    holder text,
    lease_until timestamptz,
    PRIMARY KEY (server, slot)
  );
  `,
};
