/** The folder of document bytes: the blob contract, and where the files go. */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { isRemembered } from "../../src/jobs/failure-memory.js";
import { storedError } from "../../src/jobs/process-task.js";
import { blobNotFound } from "../../src/store/blobs.js";
import { FileBlobStore } from "../../src/store/file-blobs.js";
import { openStore } from "../../src/store/open-store.js";
import { blobContract, sha256 } from "./blob-contract.js";

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

blobContract("folder", async () => {
  const dir = await mkdtemp(join(tmpdir(), "blobs-"));
  return { blobs: new FileBlobStore(dir), kept: async () => (await filesUnder(dir)).length };
});

describe("FileBlobStore", () => {
  const bytes = Buffer.from("Registre paroissial de Saint-Seurin, 1790.");

  it("keeps a blob as one file named by its sha256, in a folder named by the hash's first two digits", async () => {
    const dir = await mkdtemp(join(tmpdir(), "blobs-"));
    const { id } = await new FileBlobStore(dir).write([bytes], { maxBytes: 1000 });
    expect(await filesUnder(dir)).toEqual([join(dir, sha256(bytes).slice(0, 2), sha256(bytes))]);
    expect(id).toBe(sha256(bytes));
  });

  it("names no file outside its folder, whatever the id asked for", async () => {
    const dir = await mkdtemp(join(tmpdir(), "blobs-"));
    const blobs = new FileBlobStore(join(dir, "documents"));
    const outside = join(dir, "secret");
    await new FileBlobStore(dir).write([bytes], { maxBytes: 1000 });
    for (const id of [`../${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`, outside])
      await expect(blobs.open(id)).rejects.toMatchObject({ code: "DOCUMENT_BYTES_NOT_FOUND" });
    await blobs.delete(`../${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`);
    expect(await filesUnder(dir)).toHaveLength(1);
  });
});

describe("a document whose bytes are missing", () => {
  it("is tried again later, never remembered as the document's own failure", () => {
    const failure = storedError(blobNotFound("ab".repeat(32), "the folder /srv/palimpsest/documents"));
    expect(failure).toMatchObject({ code: "DOCUMENT_BYTES_NOT_FOUND", retryable: true });
    expect(failure.message).toMatch(/BLOB_STORE=postgres \(or share DATA_DIR\)/);
    expect(isRemembered(failure)).toBe(false);
  });
});

describe("choosing the blob store", () => {
  it("keeps documents in DATA_DIR/documents by default", async () => {
    const dir = await mkdtemp(join(tmpdir(), "blobs-"));
    const { store, blobs } = await openStore(loadConfig({ DATA_DIR: dir }));
    try {
      expect(blobs).toBeInstanceOf(FileBlobStore);
      const { id } = await blobs.write([Buffer.from("acte")], { maxBytes: 10 });
      expect(await filesUnder(join(dir, "documents"))).toEqual([join(dir, "documents", id.slice(0, 2), id)]);
    } finally {
      await store.close();
    }
  });

  it("refuses BLOB_STORE=postgres without STORE_URL, naming both", () => {
    expect(() => loadConfig({ BLOB_STORE: "postgres" })).toThrow(ConfigError);
    expect(() => loadConfig({ BLOB_STORE: "postgres" })).toThrow(/BLOB_STORE: .*STORE_URL/);
  });

  it.each([
    ["BLOB_STORE", "s3", /BLOB_STORE: expected one of folder, postgres/],
    ["BLOB_CHUNK_BYTES", "100", /BLOB_CHUNK_BYTES: expected a number from 1024/],
  ])("refuses %s=%s", (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });
});
