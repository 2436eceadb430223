/**
 * TEI P5: one `TEI` document per result (a `teiCorpus` of them for several), its text marked up with
 * the mentions: persons `persName`, places `placeName`, organisations `orgName`, dates `date` (dated
 * from their EDTF value: tei-dates.ts), works and events `name type="work|event"`, other types of a
 * custom profile `name type="<type>"`. Each mention's `@ref` points to its entity, listed once in the
 * back (`listPerson`, `listPlace`, `listOrg`, `listBibl`, `listEvent`, a `list` per other type) under
 * an xml:id that is the result's entity id (`person-1`). The header describes the document (file name,
 * sha256, media type, pages) and, in `encodingDesc/appInfo`, what made the file: Palimpsest, the model
 * and the profile. Page breaks point to the page image (GET /v1/documents/:id/pages/:n/image) where the
 * document has page images. Valid against tei_all (checked in the tests).
 */
import { packageVersion } from "../package-info.js";
import type { Extraction, OutputMention } from "../pipeline/extraction.js";
import { hasPageImages } from "../pipeline/ingest/page-image.js";
import { CodePointIndex } from "../text/code-points.js";
import { type BodyPage, type Mark, teiBody } from "./tei-body.js";
import { teiDateAttributes } from "./tei-dates.js";
import { xmlAttributes, xmlId, xmlText } from "./xml-text.js";

const TEI_NAMESPACE = "http://www.tei-c.org/ns/1.0";

/** How mentions of a type are marked in the text and listed in the back. */
interface TypeMarkup {
  element: string;
  type?: string;
  /** The list, its entries and the name element inside an entry; none for dates, which are values. */
  list?: { element: string; type?: string; entry: string; name: string };
}

const MARKUP: Readonly<Record<string, TypeMarkup>> = {
  person: { element: "persName", list: { element: "listPerson", entry: "person", name: "persName" } },
  place: { element: "placeName", list: { element: "listPlace", entry: "place", name: "placeName" } },
  organization: { element: "orgName", list: { element: "listOrg", entry: "org", name: "orgName" } },
  work: { element: "name", type: "work", list: { element: "listBibl", entry: "bibl", name: "title" } },
  event: { element: "name", type: "event", list: { element: "listEvent", entry: "event", name: "label" } },
  date: { element: "date" },
};

function markupOf(type: string): TypeMarkup {
  const known = MARKUP[type];
  if (known) return known;
  const name = typeName(type);
  return { element: "name", type: name, list: { element: "list", type: name, entry: "item", name: "name" } };
}

export function tei(extractions: Extraction[]): string {
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (extractions.length === 1) return `${prolog}${teiDocument(extractions[0] as Extraction, "")}\n`;
  const documents = extractions.map((extraction, i) => teiDocument(extraction, `d${i + 1}-`));
  return `${prolog}<teiCorpus xmlns="${TEI_NAMESPACE}">
<teiHeader>
<fileDesc>
<titleStmt><title>Named entities in ${extractions.length} documents</title></titleStmt>
<publicationStmt><p>Made by Palimpsest ${xmlText(packageVersion())}.</p></publicationStmt>
<sourceDesc><p>The documents described in the header of each TEI document below.</p></sourceDesc>
</fileDesc>
</teiHeader>
${documents.join("\n")}
</teiCorpus>
`;
}

/** `prefix` keeps xml:ids unique when several documents share a file. */
function teiDocument(extraction: Extraction, prefix: string): string {
  const { document } = extraction;
  const lang = document.language ? xmlAttributes({ "xml:lang": document.language }) : "";
  const root = prefix === "" ? ` xmlns="${TEI_NAMESPACE}"${lang}` : lang;
  return `<TEI${root}>
${header(extraction)}
<text>
<body>
<div>
${body(extraction, prefix)}
</div>
</body>
${back(extraction.entities, prefix)}
</text>
</TEI>`;
}

function header(extraction: Extraction): string {
  const { document, model, profile } = extraction;
  const name = document.filename ?? document.id;
  const pages = document.pages.length;
  const extent = `${pages} page${pages === 1 ? "" : "s"}, ${document.characters} characters`;
  const grammar = model.grammar ? "its output constrained by the profile's JSON schema" : "without a grammar";
  return `<teiHeader>
<fileDesc>
<titleStmt><title>Named entities in ${xmlText(name)}</title></titleStmt>
<publicationStmt><p>Made by Palimpsest ${xmlText(packageVersion())} from the document below; not published.</p></publicationStmt>
<sourceDesc>
<bibl>${document.filename ? `<title>${xmlText(document.filename)}</title>` : ""}<idno type="sha256">${document.id}</idno><note type="mediaType">${xmlText(document.mediaType)}</note><extent>${extent}</extent></bibl>
</sourceDesc>
</fileDesc>
<encodingDesc>
<appInfo>
<application${xmlAttributes({ ident: "palimpsest", version: packageVersion() })}>
<label>Palimpsest</label>
<p>Named entities found by the model ${xmlText(model.id)} (served by ${xmlText(model.server)}, ${grammar}) with the extraction profile ${xmlText(profile.name)} ${xmlText(profile.version)}; every mention is located in the text as extracted, which is the text below.</p>
</application>
</appInfo>
</encodingDesc>${
    document.language
      ? `
<profileDesc><langUsage><language${xmlAttributes({ ident: document.language })}/></langUsage></profileDesc>`
      : ""
  }
</teiHeader>`;
}

function body(extraction: Extraction, prefix: string): string {
  const { document, text } = extraction;
  const index = new CodePointIndex(text);
  const images = hasPageImages(document.mediaType);
  const sourcePages =
    document.pages.length > 0 ? document.pages : [{ number: 1, start: 0, end: index.length }];
  const pages = sourcePages.map(
    (page): BodyPage => ({
      number: page.number,
      start: index.toUtf16(page.start),
      end: index.toUtf16(page.end),
      ...(images ? { facs: `/v1/documents/${document.id}/pages/${page.number}/image` } : {}),
    }),
  );
  const marks = extraction.entities.map((mention): Mark => {
    const markup = markupOf(mention.type);
    return {
      start: index.toUtf16(mention.start),
      end: index.toUtf16(mention.end),
      element: markup.element,
      id: xmlId(`${prefix}${mention.id}`),
      attributes: {
        type: markup.type,
        ...(markup.list ? { ref: `#${entityId(mention, prefix)}` } : {}),
        ...(mention.type === "date" ? teiDateAttributes(mention.attributes.value) : {}),
      },
    };
  });
  return teiBody(text, pages, marks);
}

/** Each entity once, in order of first mention, in the list of its type. */
function back(mentions: readonly OutputMention[], prefix: string): string {
  const lists = new Map<string, { list: NonNullable<TypeMarkup["list"]>; entries: string[] }>();
  const seen = new Set<string>();
  for (const mention of mentions) {
    const { list } = markupOf(mention.type);
    if (!list || seen.has(mention.entity)) continue;
    seen.add(mention.entity);
    const key = `${list.element} ${list.type ?? ""}`;
    const entries = lists.get(key) ?? { list, entries: [] };
    entries.entries.push(
      `<${list.entry}${xmlAttributes({ "xml:id": entityId(mention, prefix) })}><${list.name}>${xmlText(mention.entityName)}</${list.name}></${list.entry}>`,
    );
    lists.set(key, entries);
  }
  if (lists.size === 0) return "";
  const listed = [...lists.values()].map(
    ({ list, entries }) =>
      `<${list.element}${xmlAttributes({ type: list.type })}>\n${entries.join("\n")}\n</${list.element}>`,
  );
  return `<back>\n<div type="entities">\n${listed.join("\n")}\n</div>\n</back>`;
}

function entityId(mention: OutputMention, prefix: string): string {
  return xmlId(`${prefix}${mention.entity}`);
}

/** A profile's type as a TEI @type value (one word). */
function typeName(type: string): string {
  return type.trim().replace(/\s+/g, "_") || "entity";
}
