/** A key's quotas and what it has used of them (GET /v1/usage). */
import { type Static, Type } from "typebox";
import { count } from "./builders.js";

const quota = (description: string) =>
  Type.Object({ limit: count("0: no limit."), used: count() }, { description });

export const Usage = Type.Object(
  {
    tenant: Type.String(),
    key: Type.Optional(Type.String({ description: "The key's id; absent in open mode." })),
    day: Type.String({ format: "date", description: "The UTC day the daily counts are of." }),
    requestsPerMinute: Type.Object({ limit: count("0: no limit.") }),
    jobs: quota("Jobs at once."),
    storedBytes: quota("Bytes of the tenant's documents."),
    ocrPagesToday: quota("Pages read by OCR today."),
  },
  { $id: "Usage", description: "The key's quotas and usage; a limit of 0 means none." },
);

export type Usage = Static<typeof Usage>;
