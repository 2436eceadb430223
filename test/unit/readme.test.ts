/** The README is the front door: its configuration table must list every setting the code reads. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/config.js";
import { ERRORS } from "../../src/errors.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it.each(Object.values(SETTINGS).map((s) => [s.env, s.default]))(
    "documents %s with its default",
    (env, value) => {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${env}\` |`));
      expect(row).toBeDefined();
      if (value !== undefined) expect(row).toContain(`\`${String(value)}\``);
    },
  );

  it.each(Object.keys(ERRORS).filter((code) => code !== "INTERNAL"))("lists the error code %s", (code) => {
    expect(readme).toContain(`\`${code}\``);
  });
});
