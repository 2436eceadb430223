/** The review page's sign-in: who is signed in, and the body that signs in. */
import { type Static, Type } from "typebox";
import { ROLES } from "../auth/roles.js";
import { stringEnum } from "./builders.js";

export const Session = Type.Object(
  {
    mode: stringEnum(["open", "keys"], { description: "open: the service asks for no key." }),
    tenant: Type.String(),
    role: stringEnum(ROLES),
    key: Type.Optional(Type.String({ description: "The key's id." })),
    csrfToken: Type.Optional(
      Type.String({
        description: "A session's token, sent as x-csrf-token with requests that change something.",
      }),
    ),
  },
  { $id: "Session", description: "Who is signed in." },
);

export const SignIn = Type.Object({ key: Type.String({ minLength: 1, maxLength: 256 }) });

export type Session = Static<typeof Session>;
