/** API keys, the mode the service starts in, roles, and how OCR pages are counted against a key. */
import { describe, expect, it } from "vitest";
import { generateKey, keyId, matchesKey } from "../../src/auth/keys.js";
import { isLoopback, startupMode } from "../../src/auth/mode.js";
import { countOcrPages, utcDay } from "../../src/auth/quotas.js";
import { allows } from "../../src/auth/roles.js";
import { ConfigError } from "../../src/config.js";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

describe("API keys", () => {
  it("are random, carry their id, and match only themselves", () => {
    const { key, id, hash } = generateKey();
    expect(key).toMatch(/^pal_[0-9a-f]{12}_[\w-]{43}$/);
    expect(keyId(key)).toBe(id);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(key.slice(17));
    expect(matchesKey(key, { hash })).toBe(true);
    expect(matchesKey(`${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`, { hash })).toBe(false);
    expect(generateKey().key).not.toBe(key);
    expect(keyId("Bearer nonsense")).toBeUndefined();
  });
});

describe("roles", () => {
  it("include the roles below them", () => {
    expect(allows("admin", "submitter")).toBe(true);
    expect(allows("submitter", "reader")).toBe(true);
    expect(allows("reader", "submitter")).toBe(false);
    expect(allows("submitter", "admin")).toBe(false);
    expect(allows("reader", "public")).toBe(true);
  });
});

describe("the mode at start", () => {
  it("knows loopback addresses", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST"])
      expect([host, isLoopback(host)]).toEqual([host, true]);
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "palimpsest.example", "127.0.0.1.example"])
      expect([host, isLoopback(host)]).toEqual([host, false]);
  });

  it("runs open on loopback without a key, asks for keys once one exists, or when told", () => {
    expect(startupMode({ auth: "auto", host: "127.0.0.1" }, false)).toBe("open");
    expect(startupMode({ auth: "auto", host: "127.0.0.1" }, true)).toBe("keys");
    expect(startupMode({ auth: "auto", host: "0.0.0.0" }, true)).toBe("keys");
    expect(startupMode({ auth: "on", host: "127.0.0.1" }, false)).toBe("keys");
    expect(startupMode({ auth: "off", host: "0.0.0.0" }, true)).toBe("open");
  });

  it("refuses to serve another interface without a key, naming AUTH", () => {
    expect(() => startupMode({ auth: "auto", host: "0.0.0.0" }, false)).toThrow(ConfigError);
    expect(() => startupMode({ auth: "auto", host: "0.0.0.0" }, false)).toThrow(/AUTH: .*AUTH=off/);
  });
});

describe("OCR pages of a key", () => {
  const extraction = (pages: Partial<Extraction["document"]["pages"][number]>[]) =>
    ({ document: { pages } }) as unknown as Extraction;

  it("count the pages OCR read or tried, per UTC day, and nothing without a key", async () => {
    const store = new SqliteStore(":memory:");
    await store.createKey({ id: "k", tenant: "t", role: "submitter", hash: "h", createdAt: 0 });
    const now = Date.UTC(2030, 0, 1, 23, 59);
    await countOcrPages(
      store,
      "k",
      extraction([
        { needsOcr: false, reading: { method: "ocr" } as never },
        { needsOcr: true },
        { needsOcr: false, reading: { method: "text-layer" } },
      ]),
      now,
    );
    await countOcrPages(store, undefined, extraction([{ needsOcr: true }]), now);
    expect(utcDay(now)).toBe("2030-01-01");
    expect(await store.ocrPages("k", "2030-01-01")).toBe(2);
    expect(await store.ocrPages("k", "2030-01-02")).toBe(0);
    await store.close();
  });
});
