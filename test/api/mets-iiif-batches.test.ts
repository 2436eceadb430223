/**
 * Archives as libraries deliver them, through POST /v1/batches: a ZIP of METS packages (one document
 * each, the files of their pages not documents of their own; a broken package a clear failure, the
 * rest going on), a TAR of a newspaper METS that makes a document per issue, and IIIF manifests and
 * collections by URL, whose results export as Web Annotations and as a IIIF manifest targeting the
 * canvases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Extraction } from "../../src/pipeline/extraction.js";
import { buildTar, buildZip } from "../support/archives.js";
import { codePointSlice, type Harness, lexiconModel, startHarness } from "../support/harness.js";
import {
  CANVAS_SCALE,
  IIIF_TEST_ENV,
  type IiifTestServer,
  KANT_HEIGHT,
  KANT_WIDTH,
  MANIFEST_LABEL,
  startIiifServer,
} from "../support/iiif-server.js";
import { KANT_IDENTIFIER, KANT_TITLE, kantPackage, metsXml } from "../support/mets.js";
import { multipartBody } from "../support/multipart.js";

const LEXICON = [
  { type: "date", text: "1784" },
  { type: "work", text: "Monatsschrift" },
];

let harness: Harness;
let iiif: IiifTestServer;
beforeAll(async () => {
  iiif = await startIiifServer();
  harness = await startHarness({
    server: { respond: lexiconModel(LEXICON) },
    env: { ...IIIF_TEST_ENV, METS_MAX_DIVS: "50" },
  });
});
afterAll(async () => {
  await harness.close();
  await iiif.close();
});

interface ResultLine {
  path: string;
  status: string;
  document?: string;
  extraction?: Extraction;
  error?: { code: string; message: string };
  reason?: string;
  message?: string;
}

async function settledResults(response: { statusCode: number; json(): { id: string } }) {
  expect(response.statusCode).toBe(202);
  const { id } = response.json();
  const job = await harness.services.jobs.whenSettled(id);
  const results = await harness.app.inject({ method: "GET", url: `/v1/batches/${id}/results` });
  const lines = results.body
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as ResultLine);
  return { job, lines, byPath: new Map(lines.map((line) => [line.path, line])) };
}

const postArchive = async (archive: Buffer, type: string) =>
  harness.app.inject({
    method: "POST",
    url: "/v1/batches",
    headers: { "content-type": type },
    payload: archive,
  });
const postManifest = (manifest: string, options: Record<string, string> = {}) =>
  harness.app.inject({ method: "POST", url: "/v1/batches", payload: { manifest, ...options } });

describe("METS packages in a batch", () => {
  it("makes one document of each METS with its ALTO and PAGE pages; its images are not documents; a broken METS fails alone", async () => {
    const broken = metsXml({
      files: [{ id: "A", group: "FULLTEXT", href: "alto/0001.xml", mimeType: "application/alto+xml" }],
      pages: [{ id: "P1", files: ["A"] }],
    });
    const escaping = metsXml({
      files: [{ id: "A", group: "FULLTEXT", href: "../../../etc/passwd", mimeType: "text/xml" }],
      pages: [{ id: "P1", files: ["A"] }],
    });
    // More divisions than METS_MAX_DIVS (50 here): refused before any of its files is read.
    const absurd = metsXml({
      files: [{ id: "A", group: "FULLTEXT", href: "a.xml" }],
      pages: Array.from({ length: 60 }, (_, i) => ({ id: `P${i}`, files: ["A"] })),
    });
    const zip = await buildZip([
      ...kantPackage("kant", { ocrPage: false }),
      { name: "absurd/mets.xml", data: absurd },
      { name: "broken/mets.xml", data: broken },
      { name: "escaping/mets.xml", data: escaping },
      { name: "lettre.txt", data: "Écrit en 1784 dans la Monatsschrift." },
    ]);
    const { job, lines, byPath } = await settledResults(
      await harness.app.inject({
        method: "POST",
        url: "/v1/batches",
        ...(await multipartBody({ bytes: zip, filename: "kant.zip" }, { language: "de" })),
      }),
    );
    expect(job?.state).toBe("done");
    // The images, thumbnails, ALTO and PAGE files are parts of the package: neither documents nor skipped.
    // The packages are made once the archive has been read through: after the other documents.
    expect(lines.map((line) => [line.path, line.status])).toEqual([
      ["lettre.txt", "done"],
      ["absurd/mets.xml", "failed"],
      ["broken/mets.xml", "failed"],
      ["escaping/mets.xml", "failed"],
      ["kant/mets.xml", "done"],
    ]);
    expect(byPath.get("absurd/mets.xml")?.error).toMatchObject({
      code: "INVALID_METS",
      message: expect.stringContaining("METS_MAX_DIVS"),
    });
    expect(byPath.get("broken/mets.xml")?.error).toMatchObject({
      code: "METS_FILE_MISSING",
      message: expect.stringContaining("broken/alto/0001.xml"),
    });
    expect(byPath.get("escaping/mets.xml")?.error).toMatchObject({
      code: "METS_FILE_OUTSIDE",
      message: expect.stringContaining("climbs out of the package"),
    });
    const kant = byPath.get("kant/mets.xml")?.extraction as Extraction;
    expect(kant.document).toMatchObject({
      mediaType: "application/vnd.palimpsest.mets+tar",
      title: KANT_TITLE,
      identifier: KANT_IDENTIFIER,
    });
    expect(kant.document.pages.map((page) => page.reading?.method)).toEqual(["alto", "page-xml"]);
    expect(kant.entities.map((mention) => [mention.type, mention.page])).toEqual(
      expect.arrayContaining([
        ["date", 1],
        ["date", 2],
      ]),
    );
    for (const mention of kant.entities)
      expect(codePointSlice(kant.text, mention.start, mention.end)).toBe(mention.text);
    // Boxes from the ALTO file, in its pixels.
    expect(kant.entities.find((mention) => mention.page === 1)).toHaveProperty("bbox");
  });

  it("makes a document per issue of a newspaper METS (METS_UNIT_TYPES), each with its own pages and title", async () => {
    const page = (n: number) =>
      `<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page WIDTH="1000" HEIGHT="1400"><PrintSpace><TextBlock><TextLine HPOS="10" VPOS="10" WIDTH="500" HEIGHT="30"><String CONTENT="Ausgabe" HPOS="10" VPOS="10" WIDTH="200" HEIGHT="30"/><SP/><String CONTENT="${1780 + n}" HPOS="220" VPOS="10" WIDTH="100" HEIGHT="30"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>`;
    const mets = metsXml({
      rootType: "newspaper",
      title: "Berlinische Zeitung",
      files: [1, 2, 3].map((n) => ({
        id: `F${n}`,
        group: "FULLTEXT",
        href: `alto/${n}.xml`,
        mimeType: "application/alto+xml",
      })),
      pages: [1, 2, 3].map((n) => ({ id: `P${n}`, files: [`F${n}`] })),
      units: [
        { id: "ISSUE_1", type: "issue", title: "Nr. 1", pages: ["P1", "P2"] },
        { id: "ISSUE_2", type: "issue", label: "Nr. 2", pages: ["P3"] },
      ],
    });
    const tar = await buildTar([
      { name: "zeitung/alto/1.xml", data: page(4) },
      { name: "zeitung/alto/2.xml", data: page(4) },
      { name: "zeitung/alto/3.xml", data: page(5) },
      { name: "zeitung/mets.xml", data: mets },
    ]);
    const { lines } = await settledResults(await postArchive(tar, "application/x-tar"));
    expect(lines.map((line) => [line.path, line.status, line.extraction?.document.title])).toEqual([
      ["zeitung/mets.xml#ISSUE_1", "done", "Nr. 1"],
      ["zeitung/mets.xml#ISSUE_2", "done", "Nr. 2"],
    ]);
    expect(lines.map((line) => line.extraction?.text)).toEqual([
      "Ausgabe 1784\n\nAusgabe 1784",
      "Ausgabe 1785",
    ]);
  });
});

describe("IIIF manifests in a batch", () => {
  it("reads a manifest's canvases from its transcription, and exports annotations that target the canvas", async () => {
    const { job, lines } = await settledResults(
      await postManifest(iiif.manifest("kant-annotated-v3"), { language: "de" }),
    );
    expect(job?.state).toBe("done");
    const [line] = lines;
    expect(line).toMatchObject({ path: iiif.manifest("kant-annotated-v3"), status: "done" });
    const extraction = line?.extraction as Extraction;
    expect(extraction.document).toMatchObject({
      mediaType: "application/ld+json",
      title: MANIFEST_LABEL,
      identifier: iiif.manifest("kant-annotated-v3"),
    });
    const canvas = `${iiif.url}/manifests/kant-annotated-v3/canvas/1`;
    const date = extraction.entities.find(
      (mention) => mention.text === "1784",
    ) as Extraction["entities"][number] & {
      bbox: { x: number; y: number; width: number; height: number };
    };
    expect(date.bbox).toBeDefined();

    const webanno = await harness.app.inject({
      method: "GET",
      url: `/v1/documents/${line?.document}/entities?format=webanno`,
    });
    const annotations = webanno.json().first.items as { target: unknown[] }[];
    const target = annotations
      .flatMap((annotation) => annotation.target)
      .find((t) => (t as { source?: unknown }).source === canvas);
    expect(target).toEqual({
      type: "SpecificResource",
      source: canvas,
      selector: {
        type: "FragmentSelector",
        conformsTo: "http://www.w3.org/TR/media-frags/",
        value: expect.stringMatching(/^xywh=\d+,\d+,\d+,\d+$/),
      },
    });
    // The page is the canvas: its boxes are canvas coordinates already.
    const { x, y, width, height } = date.bbox;
    const targets = annotations.flatMap((annotation) => annotation.target) as {
      selector?: { value?: string };
    }[];
    expect(targets.map((t) => t.selector?.value)).toContain(
      `xywh=${[x, y, width, height].map(Math.round).join(",")}`,
    );

    // Asked for by the IIIF Presentation 3 profile, as IIIF clients ask.
    const exported = await harness.app.inject({
      method: "GET",
      url: `/v1/documents/${line?.document}/entities`,
      headers: { accept: 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"' },
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers["content-type"]).toContain("http://iiif.io/api/presentation/3/context.json");
    const manifest = exported.json();
    expect(manifest).toMatchObject({
      type: "Manifest",
      "@context": "http://iiif.io/api/presentation/3/context.json",
    });
    expect(manifest.items).toHaveLength(1);
    const [exportedCanvas] = manifest.items;
    expect(exportedCanvas).toMatchObject({
      id: canvas,
      width: KANT_WIDTH * CANVAS_SCALE,
      height: KANT_HEIGHT * CANVAS_SCALE,
      items: [
        {
          type: "AnnotationPage",
          items: [{ motivation: "painting", body: { service: [{ type: "ImageService3" }] } }],
        },
      ],
      annotations: [{ type: "AnnotationPage" }],
    });
    const page = exportedCanvas.annotations[0].items as {
      body: { value: string }[];
      target: { source: string };
    }[];
    expect(page.length).toBe(extraction.entities.length);
    expect(page.every((annotation) => annotation.target.source === canvas)).toBe(true);
    expect(page.map((annotation) => annotation.body[0]?.value)).toEqual(
      extraction.entities.map((m) => m.type),
    );
  });

  it("reads a manifest sent as a file to POST /v1/extract, multipart or raw", async () => {
    const manifest = Buffer.from(await (await fetch(iiif.manifest("kant-annotated-v2"))).arrayBuffer());
    const multipart = await harness.app.inject({
      method: "POST",
      url: "/v1/extract",
      ...(await multipartBody({ bytes: manifest, filename: "manifest.json" }, {})),
    });
    expect(multipart.statusCode).toBe(200);
    expect(multipart.json().document).toMatchObject({
      mediaType: "application/ld+json",
      title: MANIFEST_LABEL,
    });
    const raw = await harness.app.inject({
      method: "POST",
      url: "/v1/extract?format=iiif",
      headers: { "content-type": "application/ld+json" },
      payload: manifest,
    });
    expect(raw.statusCode).toBe(200);
    expect(raw.json().items[0].id).toBe(`${iiif.url}/manifests/kant-annotated-v2/canvas/1`);
  });

  it("refuses the iiif export of a document that did not come from a manifest", async () => {
    const { lines } = await settledResults(
      await postArchive(await buildZip([{ name: "a.txt", data: "Monatsschrift, 1784." }]), "application/zip"),
    );
    const response = await harness.app.inject({
      method: "GET",
      url: `/v1/documents/${lines[0]?.document}/entities?format=iiif`,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe("EXPORT_NOT_APPLICABLE");
  });

  it("reads each manifest of a collection once; a member that cannot be fetched is skipped, the rest go on", async () => {
    const { job, lines } = await settledResults(await postManifest(iiif.manifest("collection")));
    expect(job?.state).toBe("done");
    expect(lines.map((line) => [line.path, line.status])).toEqual([
      [iiif.manifest("kant-annotated-v3"), "done"],
      [iiif.manifest("kant-annotated-v2"), "done"],
      [`${iiif.url}/manifests/missing.json`, "skipped"],
    ]);
    expect(lines[2]).toMatchObject({
      reason: "UNREADABLE_ENTRY",
      message: expect.stringContaining("REMOTE_REFUSED"),
    });
  });

  it("fails the document whose image is 10 GB, and the batch whose manifest cannot be fetched", async () => {
    const huge = await settledResults(await postManifest(iiif.manifest("huge")));
    expect(huge.job?.state).toBe("done");
    expect(huge.lines[0]).toMatchObject({ status: "failed", error: { code: "REMOTE_TOO_LARGE" } });
    const missing = await settledResults(await postManifest(`${iiif.url}/manifests/missing.json`));
    expect(missing.job).toMatchObject({ state: "failed", error: { code: "REMOTE_REFUSED" } });
  });

  it("refuses at once a manifest on a host not allowed, and a body without a manifest", async () => {
    const response = await postManifest("https://iiif.example.org/manifest.json");
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({
      code: "REMOTE_NOT_ALLOWED",
      message: expect.stringContaining("IIIF_ALLOWED_HOSTS"),
    });
    const empty = await harness.app.inject({ method: "POST", url: "/v1/batches", payload: { url: "x" } });
    expect(empty.statusCode).toBe(400);
  });
});
