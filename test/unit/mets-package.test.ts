/**
 * METS packages: the structure read from a METS, references resolved inside the package, the documents
 * a METS makes (whole, or per logical unit), and a package read page by page from its ALTO, PAGE and
 * image files, with the refusals a broken package gets.
 */
import { describe, expect, it } from "vitest";
import { ingest } from "../../src/pipeline/ingest/index.js";
import { linkedReading } from "../../src/pipeline/ingest/linked.js";
import { readMetsStructure } from "../../src/pipeline/ingest/mets/mets-structure.js";
import {
  type BundleMember,
  bundlePackage,
  bundleSize,
  type PackageDescriptor,
} from "../../src/pipeline/ingest/mets/package-bundle.js";
import { resolveReference } from "../../src/pipeline/ingest/mets/package-path.js";
import { metsUnits } from "../../src/pipeline/ingest/mets/package-plan.js";
import { sniff } from "../../src/pipeline/ingest/sniff.js";
import { startIiifServer } from "../support/iiif-server.js";
import { KANT_IDENTIFIER, KANT_TITLE, kantPackage, metsXml, type PackageFile } from "../support/mets.js";
import { fakeEngine, kantGroundTruth, readerWith } from "../support/ocr.js";

const LIMITS = { maxFiles: 100, maxDivs: 100 };

async function bundle(files: PackageFile[], descriptor: PackageDescriptor): Promise<Buffer> {
  const members: BundleMember[] = files.map(({ name, data }) => ({
    path: name,
    size: data.length,
    content: async function* () {
      yield data;
    },
  }));
  const chunks: Uint8Array[] = [];
  for await (const chunk of bundlePackage(descriptor, members)) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  expect(bytes.length).toBe(bundleSize(members));
  return bytes;
}

const read = (
  bytes: Uint8Array,
  options: { env?: Parameters<typeof linkedReading>[0]; ocr?: boolean } = {},
) =>
  ingest(bytes, {
    maxPages: 10,
    ...(options.ocr === false ? {} : { ocr: readerWith(fakeEngine()) }),
    linked: linkedReading(options.env ?? {}),
  });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable("the package was read"),
    (error: { code: string; message: string; details?: Record<string, unknown> }) => error,
  );

const kantMets = () => (kantPackage()[0] as PackageFile).data.toString("utf8");

describe("reading a METS file's structure", () => {
  it("gives the pages in ORDER, their files, the MODS title and preferred identifier, and the links", () => {
    const xml = metsXml({
      title: KANT_TITLE,
      identifier: KANT_IDENTIFIER,
      files: [
        { id: "A", group: "FULLTEXT", href: "a.xml" },
        { id: "B", group: "FULLTEXT", href: "b.xml" },
      ],
      pages: [
        { id: "P2", order: 2, files: ["B"] },
        { id: "P1", order: 1, files: ["A"] },
      ],
    });
    const structure = readMetsStructure(xml, LIMITS);
    expect(structure.pages.map((page) => [page.id, page.fileIds])).toEqual([
      ["P1", ["A"]],
      ["P2", ["B"]],
    ]);
    expect(structure.files.get("B")).toMatchObject({ group: "FULLTEXT", href: "b.xml" });
    // The alternative title and the local identifier are not chosen.
    expect(structure.mods.get("DMD_ROOT")).toEqual({ title: KANT_TITLE, identifier: KANT_IDENTIFIER });
    expect(structure.physical.get("PHYS_SEQ")).toEqual([0, 1]);
    expect(structure.links.get("LOG_ROOT")).toEqual(["PHYS_SEQ"]);
  });

  it("refuses a METS past METS_MAX_FILES or METS_MAX_DIVS, and one that is not XML", () => {
    const xml = kantMets();
    expect(() => readMetsStructure(xml, { maxFiles: 3, maxDivs: 100 })).toThrow(
      expect.objectContaining({ code: "INVALID_METS", message: expect.stringContaining("METS_MAX_FILES") }),
    );
    expect(() => readMetsStructure(xml, { maxFiles: 100, maxDivs: 3 })).toThrow(
      expect.objectContaining({ code: "INVALID_METS", message: expect.stringContaining("METS_MAX_DIVS") }),
    );
    expect(() => readMetsStructure("<mets:mets", LIMITS)).toThrow(
      expect.objectContaining({ code: "CORRUPT_DOCUMENT" }),
    );
  });
});

describe("resolving a file reference inside its package", () => {
  it.each([
    ["book/mets.xml", "images/0001.tif", { kind: "package", path: "book/images/0001.tif" }],
    ["book/mets.xml", "./alto/../alto/0001.xml", { kind: "package", path: "book/alto/0001.xml" }],
    ["book/mets.xml", "../shared/0001.tif", { kind: "package", path: "shared/0001.tif" }],
    ["mets.xml", "images/page%201.tif", { kind: "package", path: "images/page 1.tif" }],
    ["mets.xml", "images\\0001.tif", { kind: "package", path: "images/0001.tif" }],
    [
      "mets.xml",
      "https://iiif.example.org/0001.jpg",
      { kind: "remote", url: "https://iiif.example.org/0001.jpg" },
    ],
  ])("%s -> %s", (mets, href, expected) => {
    expect(resolveReference(mets, href)).toEqual(expected);
  });

  it.each([
    ["mets.xml", "../secret.tif", "climbs out"],
    ["book/mets.xml", "../../etc/passwd", "climbs out"],
    ["mets.xml", "%2e%2e/%2e%2e/etc/passwd", "climbs out"],
    ["mets.xml", "/etc/passwd", "absolute"],
    ["mets.xml", "C:\\scans\\0001.tif", "absolute"],
    ["mets.xml", "file:///etc/passwd", "file:"],
    ["mets.xml", "ftp://example.org/0001.tif", "ftp:"],
  ])("%s -> %s is outside the package", (mets, href, why) => {
    const reference = resolveReference(mets, href);
    expect(reference.kind).toBe("outside");
    expect(reference.kind === "outside" && reference.why).toContain(why);
  });
});

describe("the documents a METS makes", () => {
  const newspaper = (types: { id: string; pages: string[]; title?: string }[]) =>
    readMetsStructure(
      metsXml({
        rootType: "newspaper",
        files: ["1", "2", "3"].map((n) => ({ id: `F${n}`, group: "FULLTEXT", href: `${n}.xml` })),
        pages: ["1", "2", "3"].map((n) => ({ id: `P${n}`, files: [`F${n}`] })),
        units: types.map((unit) => ({ ...unit, type: "issue", label: `Label ${unit.id}` })),
      }),
      LIMITS,
    );

  it("makes one document per issue where the logical map holds two or more, with their own pages and titles", () => {
    const structure = newspaper([
      { id: "ISSUE_1", pages: ["P1", "P2"], title: "Numéro 1" },
      { id: "ISSUE_2", pages: ["P3"] },
    ]);
    expect(metsUnits(structure, ["issue"])).toEqual([
      { id: "ISSUE_1", title: "Numéro 1", identifier: "local-0001", pages: [0, 1] },
      { id: "ISSUE_2", title: "Label ISSUE_2", pages: [2] },
    ]);
    // Types not listed in METS_UNIT_TYPES: the METS is one document.
    expect(metsUnits(structure, ["volume"])).toEqual([{ pages: [0, 1, 2] }]);
  });

  it("makes one document of a METS with a single unit", () => {
    expect(metsUnits(newspaper([{ id: "ISSUE_1", pages: ["P1"] }]), ["issue"])).toEqual([
      { pages: [0, 1, 2] },
    ]);
  });
});

describe("a METS package as a document", () => {
  it("reads page 1 from its ALTO, page 2 from its PAGE file and page 3 by OCR of its image, in order", async () => {
    const bytes = await bundle(kantPackage(), { format: "mets", mets: "kant/mets.xml" });
    expect(sniff(bytes).format.name).toBe("METS package");
    const document = await read(bytes);
    expect(document.mediaType).toBe("application/vnd.palimpsest.mets+tar");
    expect(document).toMatchObject({ title: KANT_TITLE, identifier: KANT_IDENTIFIER });
    expect(document.pages.map((page) => page.reading?.method)).toEqual(["alto", "page-xml", "ocr"]);
    const [alto, page, ocr] = document.pages.map((p) => document.text.slice(p.start, p.end));
    const truth = kantGroundTruth();
    expect(alto?.replace(/\s+/g, " ")).toContain("Berliniſche Monatsſchrift");
    expect(page).toBe(truth);
    // The fake engine's line, boxed in the image's pixels.
    expect(ocr).toBe("Jean Colbert Page1");
    expect(document.pages[2]).toMatchObject({ width: 1457, height: 2083 });
    expect(document.pages[0]?.layout?.lines[0]?.box).toEqual({ x: 114, y: 366, width: 804, height: 72 });
  });

  it("names the files a package lacks (METS_FILE_MISSING)", async () => {
    const files = kantPackage().filter(
      (file) => !file.name.endsWith("0003.png") && !file.name.includes("GT-PAGE"),
    );
    const error = await failure(read(await bundle(files, { format: "mets", mets: "kant/mets.xml" })));
    expect(error.code).toBe("METS_FILE_MISSING");
    expect(error.details?.files).toEqual(["kant/OCR-D-GT-PAGE/0002.xml", "kant/OCR-D-IMG/0003.png"]);
  });

  it("refuses references out of the package, and remote ones unless METS_REMOTE_FILES is on (METS_FILE_OUTSIDE)", async () => {
    const xml = metsXml({
      files: [
        { id: "A", group: "FULLTEXT", href: "../../etc/passwd", mimeType: "text/xml" },
        { id: "B", group: "FULLTEXT", href: "/etc/shadow", mimeType: "text/xml" },
        { id: "C", group: "FULLTEXT", href: "http://127.0.0.1:1/page.xml", mimeType: "text/xml" },
      ],
      pages: [
        { id: "P1", files: ["A"] },
        { id: "P2", files: ["B"] },
        { id: "P3", files: ["C"] },
      ],
    });
    const bytes = await bundle([{ name: "mets.xml", data: Buffer.from(xml) }], {
      format: "mets",
      mets: "mets.xml",
    });
    const error = await failure(read(bytes));
    expect(error.code).toBe("METS_FILE_OUTSIDE");
    expect(error.message).toContain("climbs out of the package");
    expect(error.message).toContain("an absolute path");
    expect(error.message).toContain("METS_REMOTE_FILES=on");
    // Allowed, the remote file is fetched under the IIIF rules: no host is allowed by default.
    const remote = await failure(read(bytes, { env: { metsRemoteFiles: true } }));
    expect(remote.code).toBe("METS_FILE_OUTSIDE");
  });

  it("never follows a pointer: a METS that points to itself is read once", async () => {
    const files = kantPackage("kant", { ocrPage: false });
    const mets = files[0] as PackageFile;
    mets.data = Buffer.from(
      mets.data
        .toString("utf8")
        .replace(
          "</mets:div>\n  </mets:structMap>",
          '<mets:mptr LOCTYPE="URL" xlink:href="mets.xml"/></mets:div>\n  </mets:structMap>',
        ),
    );
    expect(mets.data.toString()).toContain('xlink:href="mets.xml"');
    const document = await read(await bundle(files, { format: "mets", mets: "kant/mets.xml" }));
    expect(document.pages).toHaveLength(2);
  });

  it("fetches a remote file with METS_REMOTE_FILES on, from an allowed host only", async () => {
    const server = await startIiifServer();
    try {
      const xml = metsXml({
        files: [
          { id: "IMG", group: "DEFAULT", href: `${server.url}/static/kant.png`, mimeType: "image/png" },
        ],
        pages: [{ id: "P1", files: ["IMG"] }],
      });
      const bytes = await bundle([{ name: "mets.xml", data: Buffer.from(xml) }], {
        format: "mets",
        mets: "mets.xml",
      });
      const allowed = {
        metsRemoteFiles: true,
        iiifAllowedHosts: ["127.0.0.1"],
        iiifAllowPrivateAddresses: true,
      };
      const document = await read(bytes, { env: allowed });
      expect(document.text).toBe("Jean Colbert Page1");
      expect(server.requests).toEqual(["/static/kant.png"]);
      const refused = await failure(
        read(bytes, { env: { ...allowed, iiifAllowedHosts: ["iiif.example.org"] } }),
      );
      expect(refused).toMatchObject({
        code: "REMOTE_NOT_ALLOWED",
        message: expect.stringContaining("IIIF_ALLOWED_HOSTS"),
      });
    } finally {
      await server.close();
    }
  });

  it("refuses an anchor file without pages, and a page that lists no file (INVALID_METS)", async () => {
    const anchor = metsXml({
      files: [],
      pages: [],
      pointers: ["volume-1/mets.xml"],
      rootType: "multivolume_work",
    });
    const anchorError = await failure(
      read(
        await bundle([{ name: "mets.xml", data: Buffer.from(anchor) }], { format: "mets", mets: "mets.xml" }),
      ),
    );
    expect(anchorError).toMatchObject({
      code: "INVALID_METS",
      message: expect.stringContaining("anchor file"),
    });
    const bare = metsXml({ files: [], pages: [{ id: "P1", files: [] }] });
    const bareError = await failure(
      read(
        await bundle([{ name: "mets.xml", data: Buffer.from(bare) }], { format: "mets", mets: "mets.xml" }),
      ),
    );
    expect(bareError).toMatchObject({ code: "INVALID_METS", message: expect.stringContaining("1 (P1)") });
  });

  it("says which file is not a transcription", async () => {
    const xml = metsXml({
      files: [{ id: "A", group: "FULLTEXT", href: "a.xml", mimeType: "text/xml" }],
      pages: [{ id: "P1", files: ["A"] }],
    });
    const bytes = await bundle(
      [
        { name: "mets.xml", data: Buffer.from(xml) },
        { name: "a.xml", data: Buffer.from("<tei><text>not ALTO</text></tei>") },
      ],
      { format: "mets", mets: "mets.xml" },
    );
    const error = await failure(read(bytes));
    expect(error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(error.message).toMatch(/^a\.xml \(page 1\): /);
  });

  it("needs an OCR engine for pages that only have an image", async () => {
    const bytes = await bundle(kantPackage(), { format: "mets", mets: "kant/mets.xml" });
    const error = await failure(read(bytes, { ocr: false }));
    expect(error).toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: expect.stringContaining("1 page(s)"),
    });
  });
});
