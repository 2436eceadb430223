/**
 * HIPE TSV documents (CC BY-NC-SA 4.0) as text with gold mentions: tokens
 * joined as the MISC column says (NoSpaceAfter, EndOfLine), IOB tags of NE-COARSE-LIT as mentions.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The HIPE-2020 dev sets, copied with their licence into test/fixtures. */
export const HIPE_2020 = fileURLToPath(new URL("../fixtures/hipe2020", import.meta.url));

export interface GoldMention {
  type: string;
  start: number;
  end: number;
  text: string;
}

export interface GoldDocument {
  id: string;
  text: string;
  mentions: GoldMention[];
}

export function parseHipe(path: string, prefix = ""): GoldDocument[] {
  const documents: GoldDocument[] = [];
  let current: GoldDocument | undefined;
  let open: GoldMention | undefined;
  const close = () => {
    if (current !== undefined && open !== undefined) {
      open.text = current.text.slice(open.start, open.end);
      current.mentions.push(open);
    }
    open = undefined;
  };
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const comment = /^# ([\w:-]+) = (.*)$/.exec(line);
    if (comment !== null) {
      if (comment[1]?.endsWith("document_id")) {
        close();
        current = { id: comment[2] ?? "", text: prefix, mentions: [] };
        documents.push(current);
      }
      continue;
    }
    const columns = line.split("\t");
    if (current === undefined || columns.length < 10 || columns[0] === "TOKEN") {
      close();
      continue;
    }
    const [token = "", tag = "O"] = columns;
    const misc = columns[9] ?? "";
    const start = current.text.length;
    current.text += token;
    const type = tag.slice(2);
    if (tag.startsWith("I-") && open?.type === type) {
      open.end = current.text.length;
    } else {
      close();
      if (tag !== "O") open = { type, start, end: current.text.length, text: "" };
    }
    current.text += misc.includes("NoSpaceAfter") ? "" : misc.includes("EndOfLine") ? "\n" : " ";
  }
  close();
  return documents;
}
