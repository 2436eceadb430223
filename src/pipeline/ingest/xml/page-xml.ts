/**
 * PAGE XML (2013 from Transkribus, 2019 from OCR-D): Page/TextRegion/TextLine/Word with
 * TextEquiv/Unicode and Coords@points. Read leniently, since real exports fail schema validation:
 * empty Coords, regions without lines, text only at line or region level.
 *
 * Reading order: the ReadingOrder element where there is one (nested groups flattened by their
 * index), else Transkribus' `custom="readingOrder {index:N;}"` when every region has it, else
 * document order. A line's text is its own TextEquiv (the transcription the file gives for the
 * line); without one, its words joined. Among several TextEquiv, the lowest @index wins.
 */
import type { Box } from "../../types.js";
import type { SourceBlock, SourceLine, SourceWord } from "../compose-page.js";
import { boxFromPoints, confidence, numberAttribute } from "./geometry.js";
import type { ImportedDocument } from "./imported.js";
import { type TagSpan, walkXml } from "./walk-xml.js";

interface Ordered {
  customIndex: number | undefined;
}

interface Region extends Ordered {
  id: string | undefined;
  tag: TagSpan;
  lines: (SourceLine & Ordered)[];
  text?: string;
}

/** A TextEquiv being read, and what it belongs to. */
interface Equiv {
  owner: { text?: string; confidence?: number; equivIndex?: number };
  index: number;
  confidence: number | undefined;
  text: string | undefined;
}

interface Group {
  index: number;
  regionRef: string | undefined;
  entries: { index: number; ids: string[] }[];
}

type Owner = Equiv["owner"];

const GROUP = /^(Un)?[Oo]rderedGroup(Indexed)?$/;

export function importPageXml(text: string): ImportedDocument {
  const regions: Region[] = [];
  const regionStack: Region[] = [];
  const stack: string[] = [];
  const groups: Group[] = [];
  let readingOrder: string[] = [];
  let size: { width?: number; height?: number } = {};
  let line: (SourceLine & Ordered & Owner) | undefined;
  let word: (SourceWord & Owner) | undefined;
  let equiv: Equiv | undefined;
  let unicode: string | undefined;
  let points: number[] | undefined;

  const setBox = (owner: string | undefined, box: Box | undefined) => {
    if (!box) return;
    if (owner === "Word" && word) word.box = box;
    else if (owner === "TextLine" && line) line.box = box;
  };

  walkXml(
    text,
    {
      open(name, attributes, tag) {
        const parent = stack.at(-1);
        stack.push(name);
        switch (name) {
          case "Page": {
            const width = numberAttribute(attributes.imageWidth);
            const height = numberAttribute(attributes.imageHeight);
            size = { ...(width ? { width } : {}), ...(height ? { height } : {}) };
            break;
          }
          case "TextRegion": {
            const region: Region = {
              id: attributes.id,
              tag,
              customIndex: customIndex(attributes.custom),
              lines: [],
            };
            regions.push(region);
            regionStack.push(region);
            break;
          }
          case "TextLine":
            line = { words: [], customIndex: customIndex(attributes.custom), tag };
            regionStack.at(-1)?.lines.push(line);
            break;
          case "Word":
            word = { text: "" };
            if (line) line.words.push(word);
            break;
          case "Coords":
            setBox(parent, boxFromPoints(attributes.points));
            points = [];
            break;
          case "Point":
            points?.push(Number(attributes.x), Number(attributes.y));
            break;
          case "TextEquiv": {
            const owner = ownerOf(parent);
            if (owner)
              equiv = {
                owner,
                index: numberAttribute(attributes.index) ?? 0,
                confidence: confidence(numberAttribute(attributes.conf)),
                text: undefined,
              };
            break;
          }
          case "Unicode":
            if (equiv) unicode = "";
            break;
          case "RegionRefIndexed":
          case "RegionRef": {
            const group = groups.at(-1);
            if (group && attributes.regionRef)
              group.entries.push({
                index: numberAttribute(attributes.index) ?? group.entries.length,
                ids: [attributes.regionRef],
              });
            break;
          }
          default:
            if (GROUP.test(name))
              groups.push({
                index: numberAttribute(attributes.index) ?? groups.at(-1)?.entries.length ?? 0,
                regionRef: attributes.regionRef,
                entries: [],
              });
        }
      },
      close(name) {
        stack.pop();
        switch (name) {
          case "TextRegion":
            regionStack.pop();
            break;
          case "TextLine":
            line = undefined;
            break;
          case "Word":
            word = undefined;
            break;
          case "Coords":
            // PAGE 2010 wrote corners as Point children rather than a points attribute.
            if (points && points.length > 0) setBox(stack.at(-1), boxFromPoints(points.join(" ")));
            points = undefined;
            break;
          case "Unicode":
            if (equiv && unicode !== undefined) equiv.text = unicode;
            unicode = undefined;
            break;
          case "TextEquiv":
            if (equiv?.text !== undefined) choose(equiv);
            equiv = undefined;
            break;
          default:
            if (GROUP.test(name)) {
              const group = groups.pop();
              if (!group) break;
              const ids = [...(group.regionRef ? [group.regionRef] : []), ...flatten(group)];
              const parent = groups.at(-1);
              if (parent) parent.entries.push({ index: group.index, ids });
              else readingOrder = readingOrder.concat(ids);
            }
        }
      },
      text(content) {
        if (unicode !== undefined) unicode += content;
      },
    },
    { format: "PAGE" },
  );

  function ownerOf(parent: string | undefined): Owner | undefined {
    if (parent === "Word") return word;
    if (parent === "TextLine") return line;
    if (parent === "TextRegion") return regionStack.at(-1);
    return undefined;
  }

  return { pages: [{ ...size, blocks: orderRegions(regions, readingOrder).map(toBlock) }], warnings: [] };
}

function choose({ owner, index, confidence: conf, text }: Equiv): void {
  if (owner.equivIndex !== undefined && owner.equivIndex <= index) return;
  owner.equivIndex = index;
  owner.text = text;
  if (conf === undefined) delete owner.confidence;
  else owner.confidence = conf;
}

function flatten(group: Group): string[] {
  return [...group.entries].sort((a, b) => a.index - b.index).flatMap((entry) => entry.ids);
}

function orderRegions(regions: Region[], readingOrder: string[]): Region[] {
  if (readingOrder.length > 0) {
    const rank = new Map(readingOrder.map((id, i) => [id, i]));
    const position = (region: Region) => (region.id === undefined ? undefined : rank.get(region.id));
    return [...regions].sort(
      (a, b) => (position(a) ?? Number.MAX_SAFE_INTEGER) - (position(b) ?? Number.MAX_SAFE_INTEGER),
    );
  }
  return byCustomIndex(regions);
}

/** Sorted by Transkribus' readingOrder index when all have one; document order otherwise (sort is stable). */
function byCustomIndex<T extends Ordered>(items: T[]): T[] {
  if (!items.every((item) => item.customIndex !== undefined)) return items;
  return [...items].sort((a, b) => (a.customIndex ?? 0) - (b.customIndex ?? 0));
}

function toBlock(region: Region): SourceBlock {
  const lines: SourceLine[] = byCustomIndex(region.lines).map(
    ({ words, text, box, confidence: conf, tag }) => ({
      words: words.map(({ text: wordText, box: wordBox, confidence: wordConf }) => ({
        text: wordText,
        ...(wordBox ? { box: wordBox } : {}),
        ...(wordConf === undefined ? {} : { confidence: wordConf }),
      })),
      // Transkribus writes an empty Unicode for lines not transcribed yet: the words decide then.
      ...(text ? { text } : {}),
      ...(box ? { box } : {}),
      ...(conf === undefined ? {} : { confidence: conf }),
      ...(tag ? { tag } : {}),
    }),
  );
  // A region transcribed only as a whole: its text, line by line, without boxes.
  if (lines.length === 0 && region.text) {
    let textOffset = 0;
    return {
      lines: region.text.split(/(\r?\n)/).flatMap((text, i) => {
        const at = textOffset;
        textOffset += [...text].length;
        // Odd parts are the line breaks the split kept, to count them in the offsets.
        return i % 2 === 1 ? [] : [{ words: [], text, tag: { ...region.tag, textOffset: at } }];
      }),
    };
  }
  return { lines };
}

function customIndex(custom: string | undefined): number | undefined {
  const match = custom?.match(/readingOrder\s*\{[^}]*index\s*:\s*(\d+)/);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
