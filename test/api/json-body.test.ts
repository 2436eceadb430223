/** JSON bodies are parsed whole, so past JSON_MAX_BYTES they are refused before parsing, with advice. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, lexiconModel, startHarness } from "../support/harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    server: { respond: lexiconModel([{ type: "place", text: "Rouen" }]) },
    env: { JSON_MAX_BYTES: "2048" },
  });
});
afterAll(() => harness.close());

describe("a JSON body", () => {
  it("within JSON_MAX_BYTES is read", async () => {
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text: "Il partit pour Rouen." },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().entities[0]).toMatchObject({ text: "Rouen" });
  });

  it("past JSON_MAX_BYTES is refused with 413, naming the setting and the way to send a file", async () => {
    const response = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      payload: { text: "Il partit pour Rouen. ".repeat(200) },
    });
    expect(response.statusCode).toBe(413);
    const { code, message, limit } = response.json().error;
    expect(code).toBe("PAYLOAD_TOO_LARGE");
    expect(limit).toBe(2048);
    expect(message).toContain("JSON_MAX_BYTES");
    expect(message).toContain("multipart");
    expect((await harness.app.inject({ url: "/health" })).statusCode).toBe(200);
  });
});
