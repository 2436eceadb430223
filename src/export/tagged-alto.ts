/**
 * The ALTO file a result was read from, with its entities added as ALTO records them: one
 * `<NamedEntityTag ID TYPE LABEL/>` per entity in the file's `Tags` (made before `ReadingOrder` or
 * `Layout` when the file has none), and the entity's ID in the `TAGREFS` of every `String` a mention
 * covers, even in part (both halves of a hyphenated word). Everything else stays byte for byte as it
 * came: the tags and attributes are inserted into the original bytes (byte-edits.ts), the XML is never
 * serialised again. TYPE is the mention's type (person, place...), LABEL the entity's name.
 */
import type { Extraction } from "../pipeline/extraction.js";
import type { SourceWord } from "../pipeline/ingest/compose-page.js";
import { ALTO_FORMAT } from "../pipeline/ingest/registry.js";
import { type TagSpan, walkXml } from "../pipeline/ingest/xml/walk-xml.js";
import { applyEdits, type Edit } from "./byte-edits.js";
import { appendToAttribute, indentBefore, onlyEncodable, qualifiedName } from "./tagged-edits.js";
import { type SourceFiles, taggedSource } from "./tagged-source.js";
import { xmlAttributes, xmlId } from "./xml-text.js";

interface AltoOutline {
  /** IDs the new tags must not take. */
  ids: Set<string>;
  tags?: { open: TagSpan; close: TagSpan & { selfClosing: boolean } };
  /** The first element a new Tags must come before. */
  beforeTags?: TagSpan;
}

export function taggedAlto(extraction: Extraction, sources: SourceFiles | undefined): Buffer {
  const { decoded, elements, mentions } = taggedSource(extraction, sources, ALTO_FORMAT);
  const { text } = decoded;
  const outline = altoOutline(text);
  const tagIds = new Map<string, { id: string; type: string; label: string }>();
  const refs = new Map<number, { tag: TagSpan; ids: string[] }>();
  const strings = elements.filter(({ item }) => !("words" in item) && (item as SourceWord).text !== "");
  for (const { mention, start, end } of mentions) {
    let tag = tagIds.get(mention.entity);
    if (!tag) {
      tag = {
        id: uniqueId(xmlId(mention.entity), outline.ids),
        type: mention.type,
        label: mention.entityName,
      };
      tagIds.set(mention.entity, tag);
    }
    for (const string of strings) {
      if (string.start >= end || string.end <= start) continue;
      const entry = refs.get(string.tag.start) ?? { tag: string.tag, ids: [] };
      if (!entry.ids.includes(tag.id)) entry.ids.push(tag.id);
      refs.set(string.tag.start, entry);
    }
  }
  if (tagIds.size === 0) return applyEdits(sourceBytes(extraction, sources), decoded, []);
  const edits: Edit[] = [...refs.values()].map(({ tag, ids }) =>
    appendToAttribute(text, tag, "TAGREFS", ids.join(" ")),
  );
  edits.push(tagsEdit(text, outline, [...tagIds.values()]));
  const encodable = onlyEncodable(decoded.encoding);
  return applyEdits(
    sourceBytes(extraction, sources),
    decoded,
    edits.map((edit) => ({ ...edit, insert: encodable(edit.insert) })),
  );
}

function sourceBytes(extraction: Extraction, sources: SourceFiles | undefined): Uint8Array {
  // taggedSource has checked that the file is there.
  return sources?.get(extraction.document.id) as Uint8Array;
}

/** The NamedEntityTags, in the file's Tags, or in a Tags of their own. */
function tagsEdit(
  text: string,
  outline: AltoOutline,
  tags: { id: string; type: string; label: string }[],
): Edit {
  const { tags: existing, beforeTags } = outline;
  const anchor = existing?.open ?? beforeTags;
  if (!anchor) throw new Error("an ALTO file read into text has a Layout");
  const prefix = qualifiedName(text, anchor).replace(/[^:]*$/, "");
  const indent = indentBefore(text, anchor.start);
  const entries = (depth: string) =>
    tags
      .map(
        ({ id, type, label }) =>
          `${depth}<${prefix}NamedEntityTag${xmlAttributes({ ID: id, TYPE: type, LABEL: label })}/>\n`,
      )
      .join("");
  if (!existing)
    return {
      at: anchor.start,
      insert: `<${prefix}Tags>\n${entries(`${indent}  `)}${indent}</${prefix}Tags>\n${indent}`,
    };
  if (existing.close.selfClosing) {
    // <Tags/>: its "/>" becomes ">", the entries and an end tag.
    const slash = text.lastIndexOf("/", existing.close.end - 1);
    return {
      at: slash,
      remove: existing.close.end - slash,
      insert: `>\n${entries(`${indent}  `)}${indent}</${prefix}Tags>`,
    };
  }
  return {
    at: existing.close.start,
    insert: `  ${entries("").trimEnd().replace(/\n/g, `\n${indent}  `)}\n${indent}`,
  };
}

function altoOutline(text: string): AltoOutline {
  const outline: AltoOutline = { ids: new Set() };
  let tagsOpen: TagSpan | undefined;
  walkXml(
    text,
    {
      open(name, attributes, tag) {
        // IDs defined, and those referred to (a file may refer to tags it does not define).
        for (const id of [attributes.ID, ...(attributes.TAGREFS ?? "").split(/\s+/)])
          if (id) outline.ids.add(id);
        if (name === "Tags" && !outline.tags) tagsOpen = tag;
        if ((name === "ReadingOrder" || name === "Layout") && !outline.beforeTags) outline.beforeTags = tag;
      },
      close(name, tag) {
        if (name === "Tags" && tagsOpen && !outline.tags) outline.tags = { open: tagsOpen, close: tag };
      },
    },
    { format: "ALTO" },
  );
  return outline;
}

function uniqueId(id: string, taken: Set<string>): string {
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}_${n}`;
  taken.add(unique);
  return unique;
}
