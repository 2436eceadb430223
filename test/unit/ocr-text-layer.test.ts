import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { textLayerQuality } from "../../src/pipeline/ingest/text-layer-quality.js";

const hipe = (lang: string) =>
  readFileSync(new URL(`../fixtures/ingest/hipe/hipe2020-dev-${lang}.txt`, import.meta.url), "utf8").split(
    "\n\n",
  );

describe("text layer quality", () => {
  it.each(["fr", "de"])(
    "takes real OCR with its noise (HIPE %s newspapers) for text, page after page",
    (lang) => {
      for (const page of hipe(lang)) expect(textLayerQuality(page).garbage).toBe(false);
    },
  );

  it.each([
    [
      "an old OCR layer of Fraktur read as roman type",
      "Jlnb ba fic bcn ©runb bcr 9lbfid)t, »ic cö ^eiftt, cinc§ ^crrn ©dincibcr, bcn ?8ürgcr unb ^cm »on 2lug«burg, fdion 1784 ^u ä5cr(in",
    ],
    [
      "a font without a Unicode map",
      "!\"#$%&'()*+ ,-./01 23456789:; <=>?@ABC DEFGH IJKL MNOP !\"#$ %&'( )*+,",
    ],
    [
      "unmapped CIDs",
      "(cid:72)(cid:101)(cid:108) (cid:108)(cid:111) (cid:87)(cid:111)(cid:114)(cid:108)(cid:100) ".repeat(4),
    ],
    [
      "replacement characters",
      "R\uFFFD\uFFFDmische G\uFFFDschichte \uFFFDer Stadt Tri\uFFFDr und ihrer Um\uFFFDebung von Ma\uFFFD",
    ],
  ])("takes %s for garbage", (_name, text) => {
    expect(textLayerQuality(text).garbage).toBe(true);
  });

  it("does not judge a page with too few words", () => {
    expect(textLayerQuality("— 17 — §§ ¶").garbage).toBe(false);
  });
});
