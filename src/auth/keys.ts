/**
 * API keys: `pal_<id>_<secret>`, 256 random bits of secret. The id finds the key in the store; only
 * the sha256 of the whole key is kept, compared in constant time. A key is shown once, when created.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { KeyRecord } from "../store/port.js";

const KEY_FORMAT = /^pal_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A new key and what the store keeps of it. */
export function generateKey(): { key: string; id: string; hash: string } {
  const id = randomBytes(6).toString("hex");
  const key = `pal_${id}_${randomBytes(32).toString("base64url")}`;
  return { key, id, hash: sha256Hex(key) };
}

/** The id a presented key claims, or undefined when it does not have a key's form. */
export function keyId(presented: string): string | undefined {
  return KEY_FORMAT.exec(presented)?.[1];
}

/** Whether `presented` is the key whose hash `record` keeps. */
export function matchesKey(presented: string, record: Pick<KeyRecord, "hash">): boolean {
  const expected = Buffer.from(record.hash, "hex");
  const actual = Buffer.from(sha256Hex(presented), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
