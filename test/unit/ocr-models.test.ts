import { describe, expect, it } from "vitest";
import { chooseModels } from "../../src/pipeline/ocr/models.js";

const DEBIAN = new Set(["eng", "fra", "deu", "frk", "Fraktur", "frm", "lat", "ita", "ita_old", "osd"]);
const NPM = new Set(["eng", "fra", "osd"]);

describe("OCR model choice", () => {
  it.each([
    [{ language: "fr" }, DEBIAN, ["fra"]],
    [{ language: "frm" }, DEBIAN, ["frm"]],
    [{ language: "la" }, DEBIAN, ["lat"]],
    [{ language: "de", script: "Latf" }, DEBIAN, ["frk"]],
    [{ script: "Latf" }, DEBIAN, ["frk"]],
    [{ language: "fr", script: "Latf" }, DEBIAN, ["Fraktur"]],
    [{ language: "de" }, DEBIAN, ["deu", "frk"]],
    [{ language: "it", models: ["ita_old", "lat"] }, DEBIAN, ["ita_old", "lat"]],
    [{}, DEBIAN, ["eng"]],
  ])("%j with the models installed -> %j", (hints, available, expected) => {
    expect(chooseModels(hints, available, ["eng"]).models).toEqual(expected);
  });

  it("prefers the script/ name where tesseract's upstream layout is installed", () => {
    const upstream = new Set(["eng", "script/Fraktur"]);
    expect(chooseModels({ language: "fr", script: "Latf" }, upstream, ["eng"]).models).toEqual([
      "script/Fraktur",
    ]);
  });

  it("falls back on the default models and says why when nothing fits", () => {
    expect(chooseModels({ language: "de", script: "Latf" }, NPM, ["eng", "fra"])).toEqual({
      models: ["eng", "fra"],
      note: expect.stringContaining('no model for language "de" and script "Latf" is installed (frk or'),
    });
    expect(chooseModels({ models: ["ita_old", "eng"] }, NPM, ["fra"])).toEqual({
      models: ["eng"],
      note: "model(s) ita_old not installed",
    });
  });

  it("never falls back on the orientation model", () => {
    expect(chooseModels({ language: "de" }, new Set(["osd", "fra"]), ["eng"]).models).toEqual(["fra"]);
  });
});
