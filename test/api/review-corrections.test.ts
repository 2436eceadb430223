/**
 * Review, from the model's answer to a record a person signs: the record and its ETag, each kind of
 * correction (confirm, reject, type, boundaries, attributes, added mention, merge, split), If-Match
 * (missing: 428, stale: 412 with the current version), the revisions, offsets in code points on a
 * text with characters outside the BMP, and the review progress in the documents listing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import type { ReviewRecord, RevisionList } from "../../src/schemas/review.js";
import { codePointSlice, type Harness, lexiconModel, startHarness } from "../support/harness.js";

// Fraktur letters outside the BMP first: code point offsets and UTF-16 indices differ from there on.
// The last word's accent is a combining mark of its own.
const TEXT =
  "𝔊𝔬𝔱𝔱 mit uns — Jean Dupuy écrivit de Bordeaux à Pierre Martin, le 2 mars 1790. Jean Dupuy revint à Bordeaux, au Cafe\u0301.";
const LEXICON = [
  { type: "person", text: "Jean Dupuy" },
  { type: "place", text: "Bordeaux" },
  // A boundary one word short, and a wrong reading of a date as an organization.
  { type: "person", text: "Pierre" },
  { type: "organization", text: "mars" },
];

/** Code point offsets of the n-th occurrence of `needle`. */
function at(needle: string, occurrence = 0): { start: number; end: number } {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = TEXT.indexOf(needle, index + 1);
  const start = Array.from(TEXT.slice(0, index)).length;
  return { start, end: start + Array.from(needle).length };
}

let harness: Harness;
let id: string;

const request = async (
  method: "GET" | "PATCH" | "POST",
  url: string,
  body?: object,
  headers: Record<string, string> = {},
) => {
  const response = await harness.app.inject({
    method,
    url,
    headers,
    ...(body ? { payload: body } : {}),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.json(),
    text: response.body,
  };
};
const record = async () => (await request("GET", `/v1/documents/${id}/record`)).body as ReviewRecord;
/** A correction made on the record's current version. */
const correct = async (method: "PATCH" | "POST", path: string, body: object) => {
  const { etag } = await record();
  return request(method, `/v1/documents/${id}${path}`, body, { "if-match": etag });
};
const mention = (current: ReviewRecord, text: string, occurrence = 0) =>
  current.mentions.filter((m) => m.text === text)[occurrence] as ReviewRecord["mentions"][number];

beforeAll(async () => {
  harness = await startHarness({ server: { respond: lexiconModel(LEXICON) } });
  const queued = await harness.app.inject({
    method: "POST",
    url: "/v1/documents",
    payload: { text: TEXT, language: "fr", filename: "lettre.txt" },
  });
  const job = queued.json() as { id: string; document: string };
  await harness.services.jobs.whenSettled(job.id);
  id = job.document;
});
afterAll(() => harness.close());

describe("GET /v1/documents/:id/record", () => {
  it("is the model's result with every mention unreviewed until the first correction", async () => {
    const response = await request("GET", `/v1/documents/${id}/record`);
    expect(response.status).toBe(200);
    const body = response.body as ReviewRecord;
    expect(response.headers.etag).toBe(body.etag);
    expect(body.revision).toBe(0);
    expect(body.text).toBe(TEXT);
    expect(body.mentions.map((m) => [m.id, m.type, m.text, m.review])).toEqual([
      ["m1", "person", "Jean Dupuy", "unreviewed"],
      ["m2", "place", "Bordeaux", "unreviewed"],
      ["m3", "person", "Pierre", "unreviewed"],
      ["m4", "organization", "mars", "unreviewed"],
      ["m5", "person", "Jean Dupuy", "unreviewed"],
      ["m6", "place", "Bordeaux", "unreviewed"],
    ]);
    expect(body.progress).toEqual({
      state: "unreviewed",
      total: 6,
      unreviewed: 6,
      confirmed: 0,
      corrected: 0,
      added: 0,
      rejected: 0,
    });
    expect((await request("GET", `/v1/documents/${id}/record?text=false`)).body).not.toHaveProperty("text");
  });

  it("answers 404 for a document that does not exist", async () => {
    const response = await request("GET", `/v1/documents/${"0".repeat(64)}/record`);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("NOT_FOUND");
  });
});

describe("corrections", () => {
  it("refuses a correction without If-Match (428), naming the ETag to send", async () => {
    const current = await record();
    const response = await request("PATCH", `/v1/documents/${id}/mentions/m1`, { review: "confirmed" });
    expect(response.status).toBe(428);
    expect(response.body.error).toMatchObject({ code: "IF_MATCH_REQUIRED", etag: current.etag, revision: 0 });
    expect(response.body.error.message).toContain(current.etag);
    expect((await record()).revision).toBe(0);
  });

  it("confirms a mention, as the editor named, in a new revision with a new ETag", async () => {
    const before = await record();
    const response = await correct("PATCH", "/mentions/m1", { review: "confirmed", editor: "Marie Curie" });
    expect(response.status).toBe(200);
    const after = response.body as ReviewRecord;
    expect(after.revision).toBe(1);
    expect(after.etag).not.toBe(before.etag);
    expect(response.headers.etag).toBe(after.etag);
    expect(after).not.toHaveProperty("text");
    expect(mention(after, "Jean Dupuy")).toMatchObject({
      review: "confirmed",
      reviewedBy: "Marie Curie",
      revision: 1,
    });
    expect(after.change).toMatchObject({ revision: 1, kind: "confirm", editor: "Marie Curie" });
    expect(after.progress).toMatchObject({ state: "in-progress", confirmed: 1, unreviewed: 5 });
  });

  it("of two editors who read one version, refuses the second (412) with the current version", async () => {
    const { etag } = await record();
    const first = await request(
      "PATCH",
      `/v1/documents/${id}/mentions/m2`,
      { review: "confirmed" },
      { "if-match": etag },
    );
    const second = await request(
      "PATCH",
      `/v1/documents/${id}/mentions/m2`,
      { type: "organization" },
      { "if-match": etag },
    );
    expect(first.status).toBe(200);
    expect(second.status).toBe(412);
    expect(second.body.error).toMatchObject({
      code: "RECORD_CHANGED",
      etag: first.body.etag,
      revision: first.body.revision,
      record: { revision: first.body.revision, etag: first.body.etag },
    });
    expect(mention(second.body.error.record, "Bordeaux")).toMatchObject({
      type: "place",
      review: "confirmed",
    });
    // Nothing of the second editor's change was kept; without a name, the editor is who the key is.
    expect(mention(await record(), "Bordeaux")).toMatchObject({ type: "place", reviewedBy: "anonymous" });
  });

  it("moves a mention's boundaries in code points, keeping what the model gave", async () => {
    const pierre = at("Pierre Martin");
    const response = await correct("PATCH", "/mentions/m3", { ...pierre, text: "Pierre Martin" });
    expect(response.status).toBe(200);
    const moved = (response.body as ReviewRecord).mentions.find((m) => m.id === "m3");
    expect(moved).toMatchObject({
      ...pierre,
      text: "Pierre Martin",
      review: "corrected",
      alignment: "exact",
      page: 1,
      line: 1,
      entityName: "Pierre Martin",
      original: { text: "Pierre", start: pierre.start, end: pierre.start + 6, type: "person" },
    });
    expect(codePointSlice(TEXT, moved?.start ?? 0, moved?.end ?? 0)).toBe("Pierre Martin");
  });

  it("refuses offsets that do not fit the text (422), and UTF-16 offsets by their text", async () => {
    const utf16Start = TEXT.indexOf("Pierre");
    const cases = [
      { start: 10, end: 10 },
      { start: 5, end: Array.from(TEXT).length + 1 },
      { start: utf16Start, end: utf16Start + 13, text: "Pierre Martin" },
    ];
    for (const offsets of cases) {
      const response = await correct("PATCH", "/mentions/m3", offsets);
      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({
        code: "INVALID_OFFSETS",
        start: offsets.start,
        end: offsets.end,
      });
    }
  });

  it("changes a type (the mention leaves its entity) and refuses a type the profile lacks", async () => {
    const response = await correct("PATCH", "/mentions/m4", {
      type: "date",
      attributes: { value: "1790-03" },
    });
    expect(response.status).toBe(200);
    const changed = mention(response.body, "mars");
    expect(changed).toMatchObject({
      type: "date",
      entity: "date-1",
      review: "corrected",
      attributes: { value: "1790-03" },
    });
    expect(changed.original).toMatchObject({ type: "organization", entity: "organization-1" });

    const unknown = await correct("PATCH", "/mentions/m4", { type: "ship" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe("INVALID_CORRECTION");
    expect(unknown.body.error.message).toContain("person, place");
    const badDate = await correct("PATCH", "/mentions/m4", { attributes: { value: "1790-13" } });
    expect(badDate.status).toBe(422);
    expect(badDate.body.error.code).toBe("INVALID_CORRECTION");
  });

  it("rejects a mention: kept in the record as rejected, left out of the result", async () => {
    const response = await correct("PATCH", "/mentions/m4", {
      review: "rejected",
      note: "A month, not a name.",
    });
    expect(response.status).toBe(200);
    expect(mention(response.body, "mars")).toMatchObject({ review: "rejected" });
    expect(response.body.change).toMatchObject({ kind: "reject", note: "A month, not a name." });
    const served = (await request("GET", `/v1/documents/${id}/entities`)).body as Extraction;
    expect(served.entities.map((m) => m.id)).not.toContain("m4");
  });

  it("adds a mention the model missed, with its attributes", async () => {
    const date = at("2 mars 1790");
    const response = await correct("POST", "/mentions", {
      type: "date",
      ...date,
      attributes: { value: "1790-03-02" },
    });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/v1/documents/${id}/record?profile=default`);
    const added = mention(response.body, "2 mars 1790");
    expect(added).toMatchObject({
      id: "a1",
      type: "date",
      review: "added",
      page: 1,
      line: 1,
      attributes: { value: "1790-03-02" },
    });
    expect(added.entity).toBe("date-2");
    expect(added).not.toHaveProperty("original");

    const twice = await correct("POST", "/mentions", { type: "date", ...date });
    expect(twice.status).toBe(422);
    expect(twice.body.error).toMatchObject({ code: "INVALID_CORRECTION", mention: "a1" });
  });

  it("counts offsets in code points from the text's start, and refuses a boundary inside a character", async () => {
    const motto = await correct("POST", "/mentions", {
      type: "work",
      start: 0,
      end: 12,
      text: "𝔊𝔬𝔱𝔱 mit uns",
    });
    expect(motto.status).toBe(201);
    expect(mention(motto.body, "𝔊𝔬𝔱𝔱 mit uns")).toMatchObject({ id: "a2", review: "added" });
    // "Cafe" without the combining accent that follows its e.
    const cafe = at("Cafe");
    const split = await correct("POST", "/mentions", { type: "place", ...cafe });
    expect(split.status).toBe(422);
    expect(split.body.error.code).toBe("INVALID_OFFSETS");
    expect(split.body.error.message).toContain("cuts a character");
    const whole = await correct("POST", "/mentions", { type: "place", start: cafe.start, end: cafe.end + 1 });
    expect(whole.status).toBe(201);
    expect(mention(whole.body, "Cafe\u0301").text).toBe("Cafe\u0301");
    const undo = await correct("PATCH", `/mentions/${mention(whole.body, "Cafe\u0301").id}`, {
      review: "rejected",
    });
    expect(undo.status).toBe(200);
  });

  it("splits an entity and merges it back", async () => {
    const second = mention(await record(), "Jean Dupuy", 1);
    const split = await correct("POST", "/entities/split", { mentions: [second.id] });
    expect(split.status).toBe(200);
    const apart = mention(split.body, "Jean Dupuy", 1);
    expect(apart.entity).not.toBe(mention(split.body, "Jean Dupuy").entity);
    expect(apart.review).toBe("corrected");

    const whole = await correct("POST", "/entities/split", { mentions: [apart.id] });
    expect(whole.status).toBe(422);
    const merged = await correct("POST", "/entities/merge", {
      entities: [mention(split.body, "Jean Dupuy").entity, apart.entity],
    });
    expect(merged.status).toBe(200);
    expect(
      new Set(
        merged.body.mentions
          .filter((m: { text: string }) => m.text === "Jean Dupuy")
          .map((m: { entity: string }) => m.entity),
      ).size,
    ).toBe(1);
    // Its entity is the model's again: the record agrees with the model, so it is confirmed.
    expect(mention(merged.body, "Jean Dupuy", 1).review).toBe("confirmed");

    const mixed = await correct("POST", "/entities/merge", { entities: ["person-1", "place-1"] });
    expect(mixed.status).toBe(422);
    const unknown = await correct("POST", "/entities/merge", { entities: ["person-1", "person-99"] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("UNKNOWN_MENTION");
  });

  it("answers 404 for an unknown mention", async () => {
    const response = await correct("PATCH", "/mentions/m99", { review: "confirmed" });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("UNKNOWN_MENTION");
  });

  it("keeps every revision, who made it, and each mention before and after", async () => {
    const { revisions } = (await request("GET", `/v1/documents/${id}/record/revisions`)).body as RevisionList;
    const current = await record();
    expect(revisions.map((r) => r.revision)).toEqual(
      Array.from({ length: current.revision }, (_, i) => i + 1),
    );
    expect(revisions.map((r) => r.kind)).toEqual([
      "confirm",
      "confirm",
      "correct",
      "correct",
      "reject",
      "add",
      "add",
      "add",
      "reject",
      "split",
      "merge",
    ]);
    expect(revisions.at(-1)?.etag).toBe(current.etag);
    const moved = revisions[2]?.changes[0];
    expect(moved).toMatchObject({
      mention: "m3",
      before: { text: "Pierre" },
      after: { text: "Pierre Martin" },
    });
    expect(revisions[5]?.changes[0]).not.toHaveProperty("before");
  });

  it("keeps the model's result as it was", async () => {
    const original = (await request("GET", `/v1/documents/${id}/record/original`)).body as Extraction;
    expect(original.entities.map((m) => [m.id, m.type, m.text])).toEqual([
      ["m1", "person", "Jean Dupuy"],
      ["m2", "place", "Bordeaux"],
      ["m3", "person", "Pierre"],
      ["m4", "organization", "mars"],
      ["m5", "person", "Jean Dupuy"],
      ["m6", "place", "Bordeaux"],
    ]);
    expect(original).not.toHaveProperty("review");
  });
});

describe("review progress in listings", () => {
  it("lists the document under its review state, with its figures", async () => {
    const listed = async (review: string) =>
      (await request("GET", `/v1/documents?review=${review}`)).body.documents as {
        id: string;
        review: object;
      }[];
    expect((await listed("in-progress")).map((d) => d.id)).toEqual([id]);
    expect(await listed("unreviewed")).toEqual([]);
    expect(await listed("reviewed")).toEqual([]);
    const [entry] = await listed("in-progress");
    expect(entry?.review).toEqual({
      state: "in-progress",
      total: 9,
      unreviewed: 1,
      confirmed: 3,
      corrected: 1,
      added: 2,
      rejected: 2,
    } satisfies Omit<ReviewRecord["progress"], "documents">);

    const done = await correct("POST", "/record/confirm", {});
    expect(done.status).toBe(200);
    expect(done.body.progress).toMatchObject({ state: "reviewed", unreviewed: 0 });
    expect((await listed("reviewed")).map((d) => d.id)).toEqual([id]);
    const again = await correct("POST", "/record/confirm", {});
    expect(again.status).toBe(422);
  });
});
