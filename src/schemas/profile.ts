/** The extraction profiles this service knows (GET /v1/schemas). */
import { type Static, Type } from "typebox";
import { refTo } from "./builders.js";

const summaryProperties = {
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  version: Type.String(),
  types: Type.Array(Type.String(), { description: "The values the items' `type` can take." }),
  verbatim: Type.Array(Type.String(), {
    description: "JSON Pointers, relative to an item, of the verbatim string fields grounded in the text.",
  }),
};

export const ProfileSummary = Type.Object(summaryProperties, { $id: "ProfileSummary" });

export const ProfileList = Type.Object(
  {
    default: Type.String({ description: "The profile used when none is named." }),
    profiles: Type.Array(refTo(ProfileSummary)),
  },
  { $id: "ProfileList" },
);

export const Profile = Type.Object(
  {
    ...summaryProperties,
    schema: Type.Record(Type.String(), Type.Unknown(), {
      description: "The profile's JSON Schema (2020-12).",
    }),
    examples: Type.Array(
      Type.Object({
        text: Type.String(),
        output: Type.Object({ entities: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
        language: Type.Optional(Type.String()),
      }),
      { description: "The few-shot examples the prompt shows the model." },
    ),
  },
  { $id: "Profile", description: "One extraction profile with its JSON Schema and examples." },
);

export type ProfileList = Static<typeof ProfileList>;
export type Profile = Static<typeof Profile>;
