/** Liveness and readiness, as probes and operators read them. */
import { type Static, Type } from "typebox";
import { count, dateTime, stringEnum } from "./builders.js";

const milliseconds = () => Type.Number({ minimum: 0 });

export const Health = Type.Object(
  {
    status: stringEnum(["ok"]),
    eventLoop: Type.Object(
      {
        p50Ms: milliseconds(),
        p99Ms: milliseconds(),
        maxMs: milliseconds(),
        recentMaxMs: milliseconds(),
        since: dateTime("When the measures started."),
      },
      {
        description:
          "How late the event loop ran, in milliseconds: since start, and worst of the last second.",
      },
    ),
  },
  { $id: "Health", description: "The process is alive." },
);

export const Ready = Type.Object(
  {
    status: stringEnum(["ready"]),
    endpoint: Type.Object(
      {
        kind: Type.Optional(
          Type.String({ description: "The kind of model server: embedded, tgi, llamacpp..." }),
        ),
        modelId: Type.Optional(Type.String()),
        maxInputTokens: count(),
        maxTotalTokens: count(),
        maxConcurrentRequests: count(),
        exactTokenCounts: Type.Optional(Type.Boolean()),
      },
      { description: "The model server's limits; which server and model only while no key is asked for." },
    ),
  },
  { $id: "Ready", description: "The model server answers now." },
);

export type Health = Static<typeof Health>;
export type Ready = Static<typeof Ready>;
