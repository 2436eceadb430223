/** The folder of document bytes: content-addressed writes, and deletion (a missing blob is not an error). */
import { createHash } from "node:crypto";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileBlobStore } from "../../src/store/blobs.js";

const bytes = Buffer.from("Registre paroissial de Saint-Seurin, 1790.");
const sha256 = createHash("sha256").update(bytes).digest("hex");

describe("FileBlobStore", () => {
  it("names a blob by the sha256 of its bytes, and deletes it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "blobs-"));
    const blobs = new FileBlobStore(dir);
    expect(await blobs.write([bytes], { maxBytes: 1000 })).toEqual({ id: sha256, size: bytes.length });
    expect(await blobs.read(sha256)).toEqual(bytes);

    await blobs.delete(sha256);
    await expect(blobs.read(sha256)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readdir(join(dir, sha256.slice(0, 2)))).toEqual([]);
  });

  it("deletes a blob that is not there without an error", async () => {
    const blobs = new FileBlobStore(await mkdtemp(join(tmpdir(), "blobs-")));
    await expect(blobs.delete(sha256)).resolves.toBeUndefined();
  });
});
