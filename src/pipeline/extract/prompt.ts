/**
 * The prompt for one chunk. Plain text, since BLOOM has no chat template; it reads the same to base
 * BLOOM (which continues the pattern of the few-shot examples) and to BLOOMZ (which follows the
 * one-line instruction):
 *
 *   instruction, profile description, field guide
 *   Document:\n<<<\n{example}\n>>>\nJSON: {...}      (few-shot examples, compact JSON)
 *   Document:\n<<<\n{chunk}\n>>>\n                   (the chunk, verbatim)
 *   [rejected answer and its errors, on a re-ask]
 *   JSON:
 *
 * Contract: the chunk text stands verbatim between the LAST DOCUMENT_START and the DOCUMENT_END that
 * follows it (see documentOfPrompt). Nothing is pre-filled after "JSON:": the model writes the whole
 * object, so the grammar (which starts at "{") applies as it is and the parser prepends nothing.
 */
import type { Profile, ProfileExample } from "../../profiles/profile.js";
import { fieldGuide } from "./field-guide.js";
import { PROMPT_MESSAGES, type PromptMessages } from "./prompt-messages.js";

export const DOCUMENT_START = "\n<<<\n";
export const DOCUMENT_END = "\n>>>\n";
/**
 * Where generation should stop without a grammar: base BLOOM goes on with a next "Document:" block.
 * No answer contains it, since JSON strings cannot hold a raw line break.
 */
export const STOP_SEQUENCES = ["\n<<<"];

/** A re-ask's quote of the rejected answer is cut to this many characters, and its errors to these. */
const MAX_PREVIOUS_CHARS = 600;
const MAX_ERRORS = 6;
const MAX_ERROR_CHARS = 200;

export interface PromptOptions {
  /** The document's language (ISO 639-1, or any BCP 47 tag): picks the prompt's words and examples. */
  language?: string;
  /** Re-ask: the answer that failed validation and why. */
  feedback?: { previousOutput: string; errors: string[] };
}

/** One line, cut to `max` characters: a quoted answer must not bring its own line breaks or delimiters. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function documentBlock(messages: PromptMessages, text: string): string {
  return `${messages.document}${DOCUMENT_START}${text}${DOCUMENT_END}`;
}

/** The examples in the document's language when the profile has some, else all of them. */
function pickExamples(
  examples: readonly ProfileExample[],
  language: string | undefined,
): readonly ProfileExample[] {
  const matching = examples.filter((example) => example.language === language);
  return matching.length > 0 ? matching : examples;
}

export function buildPrompt(profile: Profile, chunkText: string, options: PromptOptions = {}): string {
  const language = options.language?.toLowerCase().split(/[-_]/)[0];
  const messages = PROMPT_MESSAGES[language ?? "en"] ?? (PROMPT_MESSAGES.en as PromptMessages);
  const header = [messages.instruction, profile.description, messages.fields, ...fieldGuide(profile)]
    .filter(Boolean)
    .join("\n");
  const examples = pickExamples(profile.examples, language).map(
    (example) => `${documentBlock(messages, example.text)}JSON: ${JSON.stringify(example.output)}\n`,
  );
  const feedback = options.feedback
    ? [
        `${messages.previous} ${oneLine(options.feedback.previousOutput, MAX_PREVIOUS_CHARS)}`,
        messages.errors,
        ...options.feedback.errors
          .slice(0, MAX_ERRORS)
          .map((error) => `- ${oneLine(error, MAX_ERROR_CHARS)}`),
        "",
      ].join("\n")
    : "";
  return [`${header}\n`, ...examples, `${documentBlock(messages, chunkText)}${feedback}JSON:`].join("\n");
}

/** The chunk text of a prompt made by buildPrompt (for tools that only see the prompt, such as test servers). */
export function documentOfPrompt(prompt: string): string | undefined {
  const start = prompt.lastIndexOf(DOCUMENT_START);
  if (start < 0) return undefined;
  const end = prompt.indexOf(DOCUMENT_END, start + DOCUMENT_START.length);
  return end < 0 ? undefined : prompt.slice(start + DOCUMENT_START.length, end);
}
