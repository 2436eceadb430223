/**
 * Byte-exact decoding of BLOOM's generated tokens. llama.cpp's detokenizer, with the `bloom` pre-tokenizer,
 * "cleans up" spaces (it drops the space before `? ! , '`), which changes French text such as
 * `« Qui va là ? »`. The vocabulary itself is byte-level BPE: each token's text is its bytes written with
 * GPT-2's byte-to-character table, so undoing that table gives the bytes the model produced.
 */

/** GPT-2's table: printable Latin-1 bytes stand for themselves, the others are shifted past U+00FF. */
function characterToByte(): Map<number, number> {
  const table = new Map<number, number>();
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable =
      (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    table.set(printable ? byte : 256 + shifted++, byte);
  }
  return table;
}

const CHARACTER_TO_BYTE = characterToByte();

/** The bytes of one vocabulary entry; undefined for a token that is not byte-level text (a control token). */
export function tokenTextToBytes(tokenText: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const character of tokenText) {
    const byte = CHARACTER_TO_BYTE.get(character.codePointAt(0) ?? -1);
    if (byte === undefined) return undefined;
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

/**
 * Turns generated tokens into text as they come. A character cut between two tokens (BLOOM splits rare
 * characters, such as `ſ` or `𝔄`, into byte tokens) is held back until its last byte arrives.
 */
export class TokenTextDecoder {
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  private text = "";

  constructor(
    private readonly vocabulary: readonly string[],
    /** Control tokens (`</s>`) are spelled with printable characters but are no text. */
    private readonly isControl: (token: number) => boolean,
  ) {}

  /** Adds tokens; control tokens add nothing. Returns the whole text so far. */
  push(tokens: readonly number[]): string {
    for (const token of tokens) {
      if (this.isControl(token)) continue;
      const entry = this.vocabulary[token];
      const bytes = entry === undefined ? undefined : tokenTextToBytes(entry);
      if (bytes !== undefined) this.text += this.decoder.decode(bytes, { stream: true });
    }
    return this.text;
  }

  /** The text, with an incomplete character at the end (output cut mid-character) as U+FFFD. */
  finish(): string {
    this.text += this.decoder.decode();
    return this.text;
  }
}
