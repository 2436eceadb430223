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
import { overlapping, type SourceFiles, taggedSource } from "./tagged-source.js";
import { xmlAttributes, xmlId } from "./xml-text.js";

interface AltoOutline {
  /** IDs the new tags must not take. */
  ids: Set<string>;
  tags?: { open: TagSpan; close: TagSpan & { selfClosing: boolean } };
  /** The first element a new Tags must come before. */
  beforeTags?: TagSpan;
  /** The root element's start tag: a new Tags goes first in it when nothing else tells where. */
  root: TagSpan;
}

export function taggedAlto(extraction: Extraction, sources: SourceFiles | undefined): Buffer {
  const { bytes, decoded, elements, mentions } = taggedSource(extraction, sources, ALTO_FORMAT);
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
    for (const string of overlapping(strings, start, end)) {
      const entry = refs.get(string.tag.start) ?? { tag: string.tag, ids: [] };
      if (!entry.ids.includes(tag.id)) entry.ids.push(tag.id);
      refs.set(string.tag.start, entry);
    }
  }
  if (tagIds.size === 0) return applyEdits(bytes, decoded, []);
  const edits: Edit[] = [...refs.values()].map(({ tag, ids }) =>
    appendToAttribute(text, tag, "TAGREFS", ids.join(" ")),
  );
  edits.push(tagsEdit(text, outline, [...tagIds.values()]));
  const encodable = onlyEncodable(decoded.encoding);
  return applyEdits(
    bytes,
    decoded,
    edits.map((edit) => ({ ...edit, insert: encodable(edit.insert) })),
  );
}

/** The NamedEntityTags, in the file's Tags, or in a Tags of their own (indented like their neighbours). */
function tagsEdit(
  text: string,
  outline: AltoOutline,
  tags: { id: string; type: string; label: string }[],
): Edit {
  const { tags: existing, beforeTags, root } = outline;
  const anchor = existing?.open ?? beforeTags ?? root;
  const prefix = qualifiedName(text, anchor).replace(/[^:]*$/, "");
  const lines = (indent: string) =>
    tags
      .map(
        ({ id, type, label }) =>
          `${indent}<${prefix}NamedEntityTag${xmlAttributes({ ID: id, TYPE: type, LABEL: label })}/>\n`,
      )
      .join("");
  const element = (indent: string) => `<${prefix}Tags>\n${lines(`${indent}  `)}${indent}</${prefix}Tags>`;
  if (existing && !existing.close.selfClosing) {
    // Before </Tags>, which the blanks before it indent.
    const indent = indentBefore(text, existing.close.start);
    return { at: existing.close.start, insert: `${lines(`${indent}  `).slice(indent.length)}${indent}` };
  }
  const indent = indentBefore(text, anchor.start);
  if (existing) {
    // <Tags/>: its "/>" becomes ">", the entries and an end tag; its attributes stay.
    const slash = text.lastIndexOf("/", existing.open.end - 1);
    return {
      at: slash,
      remove: existing.open.end - slash,
      insert: `>\n${lines(`${indent}  `)}${indent}</${prefix}Tags>`,
    };
  }
  if (anchor === root) return { at: root.end, insert: `\n  ${element("  ")}` };
  return { at: anchor.start, insert: `${element(indent)}\n${indent}` };
}

function altoOutline(text: string): AltoOutline {
  const outline: Omit<AltoOutline, "root"> & { root?: TagSpan } = { ids: new Set() };
  let tagsOpen: TagSpan | undefined;
  walkXml(
    text,
    {
      open(name, attributes, tag) {
        outline.root ??= tag;
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
  // The file has been read into text: it has a root element.
  return { ...outline, root: outline.root as TagSpan };
}

function uniqueId(id: string, taken: Set<string>): string {
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}_${n}`;
  taken.add(unique);
  return unique;
}
