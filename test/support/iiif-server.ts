/**
 * A IIIF server for tests, on 127.0.0.1: Presentation 3 and 2.1 manifests of the Kant page (see
 * test/fixtures/ocr/SOURCE.md), an Image API service (3 and 2) that answers info.json and sized
 * requests with sharp, annotation pages that carry the page's transcription (the PAGE ground truth, in
 * canvas coordinates), a collection, and the misbehaving servers a fetch must survive: a 10 GB image
 * (by Content-Length, and without one), one that never answers, an HTML page for an image, redirects
 * to a host that is not allowed and in a loop. Canvases are twice the image's size, as when a
 * manifest gives the scan's full resolution and the service a smaller derivative.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import sharp from "sharp";
import { composePage } from "../../src/pipeline/ingest/compose-page.js";
import { importPageXml } from "../../src/pipeline/ingest/xml/page-xml.js";
import { KANT_IMAGE, KANT_PAGE_XML } from "./ocr.js";

export const KANT_WIDTH = 1457;
export const KANT_HEIGHT = 2083;
/** Canvas coordinates are twice the image's pixels. */
export const CANVAS_SCALE = 2;
export const MANIFEST_LABEL = "Berlinische Monatsschrift, Dezember 1784, S. 481";

/** Images the services serve: a name in /iiif3/NAME and /iiif2/NAME. */
type ImageName = "kant" | "huge" | "endless" | "hanging" | "html" | "redirect-away" | "redirect-loop";

export interface IiifTestServer {
  url: string;
  /** Every request's path, in the order received. */
  requests: string[];
  /** The manifest URL of a predefined manifest (see MANIFESTS). */
  manifest(name: ManifestName): string;
  close(): Promise<void>;
}

type ManifestName =
  | "kant-v3"
  | "kant-v2"
  | "kant-annotated-v3"
  | "kant-annotated-v2"
  | "kant-static"
  | "huge"
  | "endless"
  | "hanging"
  | "html-image"
  | "redirect-away"
  | "two-canvases"
  | "no-canvases"
  | "collection";

interface CanvasSpec {
  image: ImageName;
  version: 2 | 3;
  annotations?: "embedded" | "referenced";
  /** The image painted directly (no service), as a static site serves it. */
  static?: boolean;
}

const image = readFileSync(KANT_IMAGE);

/** The Kant page's lines as the PAGE file gives them, with their boxes in canvas coordinates. */
function kantLines(): { text: string; xywh: string }[] {
  const [page] = importPageXml(readFileSync(KANT_PAGE_XML, "utf8")).pages;
  const { text, layout } = composePage(page?.blocks ?? []);
  return layout.lines.flatMap((line) =>
    line.box
      ? [
          {
            text: text.slice(line.start, line.end),
            xywh: [line.box.x, line.box.y, line.box.width, line.box.height]
              .map((v) => v * CANVAS_SCALE)
              .join(","),
          },
        ]
      : [],
  );
}

export async function startIiifServer(): Promise<IiifTestServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let base = "";
  const lines = kantLines();

  const service = (version: 2 | 3, name: ImageName) => `${base}/iiif${version}/${name}`;
  const canvasId = (manifest: string, n: number) => `${base}/manifests/${manifest}/canvas/${n}`;

  const annotationPage3 = (canvas: string, id: string) => ({
    "@context": "http://iiif.io/api/presentation/3/context.json",
    id,
    type: "AnnotationPage",
    items: lines.map((line, i) => ({
      id: `${id}/line/${i + 1}`,
      type: "Annotation",
      motivation: "supplementing",
      body: { type: "TextualBody", value: line.text, format: "text/plain", language: "de" },
      // Every other line as a SpecificResource, the others as a fragment IRI: both are common.
      target:
        i % 2 === 0
          ? `${canvas}#xywh=${line.xywh}`
          : {
              type: "SpecificResource",
              source: canvas,
              selector: { type: "FragmentSelector", value: `xywh=${line.xywh}` },
            },
    })),
  });
  const annotationList2 = (canvas: string, id: string) => ({
    "@context": "http://iiif.io/api/presentation/2/context.json",
    "@id": id,
    "@type": "sc:AnnotationList",
    resources: lines.map((line) => ({
      "@type": "oa:Annotation",
      motivation: "sc:painting",
      resource: { "@type": "cnt:ContentAsText", chars: line.text, format: "text/plain" },
      on: `${canvas}#xywh=${line.xywh}`,
    })),
  });

  const canvas3 = (manifest: string, n: number, spec: CanvasSpec) => {
    const id = canvasId(manifest, n);
    const pageId = `${base}/annotations/${manifest}/${n}`;
    const body = spec.static
      ? {
          id: `${base}/static/kant.png`,
          type: "Image",
          format: "image/png",
          width: KANT_WIDTH,
          height: KANT_HEIGHT,
        }
      : {
          id: `${service(3, spec.image)}/full/max/0/default.jpg`,
          type: "Image",
          format: "image/jpeg",
          service: [{ id: service(3, spec.image), type: "ImageService3", profile: "level1" }],
        };
    return {
      id,
      type: "Canvas",
      label: { none: [`S. ${480 + n}`] },
      width: KANT_WIDTH * CANVAS_SCALE,
      height: KANT_HEIGHT * CANVAS_SCALE,
      items: [
        {
          id: `${id}/page`,
          type: "AnnotationPage",
          items: [{ id: `${id}/image`, type: "Annotation", motivation: "painting", body, target: id }],
        },
      ],
      ...(spec.annotations === "embedded" ? { annotations: [annotationPage3(id, pageId)] } : {}),
      ...(spec.annotations === "referenced" ? { annotations: [{ id: pageId, type: "AnnotationPage" }] } : {}),
    };
  };

  const canvas2 = (manifest: string, n: number, spec: CanvasSpec) => {
    const id = canvasId(manifest, n);
    return {
      "@id": id,
      "@type": "sc:Canvas",
      label: `S. ${480 + n}`,
      width: KANT_WIDTH * CANVAS_SCALE,
      height: KANT_HEIGHT * CANVAS_SCALE,
      images: [
        {
          "@type": "oa:Annotation",
          motivation: "sc:painting",
          resource: {
            "@id": `${service(2, spec.image)}/full/full/0/default.jpg`,
            "@type": "dctypes:Image",
            format: "image/jpeg",
            service: {
              "@context": "http://iiif.io/api/image/2/context.json",
              "@id": service(2, spec.image),
              profile: "http://iiif.io/api/image/2/level2.json",
            },
          },
          on: id,
        },
      ],
      ...(spec.annotations
        ? { otherContent: [{ "@id": `${base}/annotations/${manifest}/${n}`, "@type": "sc:AnnotationList" }] }
        : {}),
    };
  };

  const manifestOf = (name: string, version: 2 | 3, canvases: CanvasSpec[]) => {
    const id = `${base}/manifests/${name}.json`;
    if (version === 2)
      return {
        "@context": "http://iiif.io/api/presentation/2/context.json",
        "@id": id,
        "@type": "sc:Manifest",
        label: MANIFEST_LABEL,
        sequences: [
          { "@type": "sc:Sequence", canvases: canvases.map((spec, i) => canvas2(name, i + 1, spec)) },
        ],
      };
    return {
      "@context": "http://iiif.io/api/presentation/3/context.json",
      id,
      type: "Manifest",
      label: { de: [MANIFEST_LABEL] },
      items: canvases.map((spec, i) => canvas3(name, i + 1, spec)),
    };
  };

  const MANIFESTS: Record<Exclude<ManifestName, "collection">, [2 | 3, CanvasSpec[]]> = {
    "kant-v3": [3, [{ image: "kant", version: 3 }]],
    "kant-v2": [2, [{ image: "kant", version: 2 }]],
    "kant-annotated-v3": [3, [{ image: "kant", version: 3, annotations: "referenced" }]],
    "kant-annotated-v2": [2, [{ image: "kant", version: 2, annotations: "referenced" }]],
    "kant-static": [3, [{ image: "kant", version: 3, static: true }]],
    huge: [3, [{ image: "huge", version: 3 }]],
    endless: [3, [{ image: "endless", version: 3 }]],
    hanging: [3, [{ image: "hanging", version: 3 }]],
    "html-image": [3, [{ image: "html", version: 3 }]],
    "redirect-away": [3, [{ image: "redirect-away", version: 3 }]],
    "two-canvases": [
      3,
      [
        { image: "kant", version: 3, annotations: "embedded" },
        { image: "huge", version: 3 },
      ],
    ],
    "no-canvases": [3, []],
  };

  const collection = () => ({
    "@context": "http://iiif.io/api/presentation/3/context.json",
    id: `${base}/manifests/collection.json`,
    type: "Collection",
    label: { none: ["Berlinische Monatsschrift"] },
    items: [
      { id: `${base}/manifests/kant-annotated-v3.json`, type: "Manifest" },
      { id: `${base}/manifests/kant-annotated-v2.json`, type: "Manifest" },
      { id: `${base}/manifests/missing.json`, type: "Manifest" },
      // A collection that lists itself: read once.
      { id: `${base}/manifests/collection.json`, type: "Collection" },
    ],
  });

  const json = (response: ServerResponse, value: unknown, type = "application/ld+json") => {
    response.writeHead(200, { "content-type": type });
    response.end(JSON.stringify(value));
  };

  async function imageRequest(version: 2 | 3, name: ImageName, rest: string, response: ServerResponse) {
    if (rest === "info.json") {
      if (name === "hanging") return; // never answers
      const big = name === "huge" || name === "endless";
      const width = big ? 100_000 : KANT_WIDTH;
      const height = big ? 100_000 : KANT_HEIGHT;
      return json(
        response,
        version === 3
          ? {
              "@context": "http://iiif.io/api/image/3/context.json",
              id: service(3, name),
              type: "ImageService3",
              protocol: "http://iiif.io/api/image",
              profile: "level1",
              width,
              height,
            }
          : {
              "@context": "http://iiif.io/api/image/2/context.json",
              "@id": service(2, name),
              protocol: "http://iiif.io/api/image",
              profile: ["http://iiif.io/api/image/2/level2.json"],
              width,
              height,
            },
        "application/json",
      );
    }
    switch (name) {
      case "huge":
        response.writeHead(200, { "content-type": "image/jpeg", "content-length": String(10 * 1024 ** 3) });
        response.write(Buffer.alloc(64 * 1024));
        return; // left open: the client must give up on the declared length alone
      case "endless": {
        response.writeHead(200, { "content-type": "image/jpeg" });
        const chunk = Buffer.alloc(256 * 1024);
        const pump = () => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once("drain", pump);
        };
        return pump();
      }
      case "hanging":
        return;
      case "html":
        response.writeHead(200, { "content-type": "text/html" });
        return response.end("<html><body>Service temporarily unavailable</body></html>");
      case "redirect-away":
        // localhost is not the allowed host 127.0.0.1, whatever it resolves to.
        response.writeHead(302, { location: `${base.replace("127.0.0.1", "localhost")}/static/kant.png` });
        return response.end();
      case "redirect-loop":
        response.writeHead(302, { location: `${service(version, name)}/${rest}` });
        return response.end();
    }
    const [region, size] = rest.split("/");
    if (region !== "full") return notFound(response);
    let resized = sharp(image);
    const match = size?.match(/^(\d+),(\d*)$/);
    if (match)
      // "w,h" is that size exactly; "w," keeps the aspect ratio.
      resized = match[2]
        ? resized.resize(Number(match[1]), Number(match[2]), { fit: "fill" })
        : resized.resize(Number(match[1]));
    else if (size !== "max" && size !== "full") return notFound(response);
    const bytes = await resized.jpeg().toBuffer();
    response.writeHead(200, { "content-type": "image/jpeg", "content-length": String(bytes.length) });
    response.end(bytes);
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    requests.push(path);
    const handle = async () => {
      let match = path.match(/^\/manifests\/([\w-]+)\.json$/);
      if (match) {
        const name = match[1] as ManifestName;
        if (name === "collection") return json(response, collection());
        const known = MANIFESTS[name as Exclude<ManifestName, "collection">];
        if (!known) return notFound(response);
        return json(response, manifestOf(name, ...known));
      }
      match = path.match(/^\/annotations\/([\w-]+)\/(\d+)$/);
      if (match) {
        const [, manifest, n] = match as unknown as [string, string, string];
        const canvas = canvasId(manifest, Number(n));
        const id = `${base}${path}`;
        return json(
          response,
          manifest.endsWith("v2") ? annotationList2(canvas, id) : annotationPage3(canvas, id),
        );
      }
      match = path.match(/^\/iiif([23])\/([\w-]+)\/(.+)$/);
      if (match) {
        const [, version, name, rest] = match as unknown as [string, string, ImageName, string];
        return imageRequest(Number(version) as 2 | 3, name, rest, response);
      }
      if (path === "/static/kant.png") {
        response.writeHead(200, { "content-type": "image/png", "content-length": String(image.length) });
        return response.end(image);
      }
      if (path === "/error") {
        response.writeHead(500, { "content-type": "text/plain" });
        return response.end("boom");
      }
      notFound(response);
    };
    handle().catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    manifest: (name) => `${base}/manifests/${name}.json`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function notFound(response: ServerResponse) {
  response.writeHead(404, { "content-type": "text/plain" });
  response.end("not found");
}

/** The settings that let Palimpsest fetch from the test server (on 127.0.0.1, a private address). */
export const IIIF_TEST_ENV = { IIIF_ALLOWED_HOSTS: "127.0.0.1", IIIF_ALLOW_PRIVATE_ADDRESSES: "on" };
