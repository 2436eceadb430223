/**
 * Grammars for the embedded model, made once per schema: a profile's schema object lives as long as the
 * profile, so its grammar is built on the first chunk and reused for every other (a custom profile sent
 * with a request gets its own for that request).
 */
import type { Llama, LlamaGrammar } from "node-llama-cpp";
import { PalimpsestError } from "../../errors.js";
import { jsonSchemaToGbnf } from "../../grammar/index.js";

/** A rule name the converter's grammar does not use yet (its names come from the schema's own words). */
function freeRuleName(gbnf: string): string {
  let name = "answer";
  while (new RegExp(`^${name} ::=`, "m").test(gbnf)) name += "-x";
  return name;
}

export class GrammarCache {
  private readonly bySchema = new WeakMap<object, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  get(schema: object): Promise<LlamaGrammar> {
    let grammar = this.bySchema.get(schema);
    if (grammar === undefined) {
      grammar = this.create(schema);
      this.bySchema.set(schema, grammar);
    }
    return grammar;
  }

  private async create(schema: object): Promise<LlamaGrammar> {
    let gbnf: string;
    try {
      gbnf = jsonSchemaToGbnf(schema);
    } catch (error) {
      // Profiles are checked with the same conversion when they load; this is a schema that skipped that.
      throw new PalimpsestError("INVALID_PROFILE", (error as Error).message);
    }
    // The prompt ends with "JSON:" and its examples read "JSON: {...}": a model that learnt from them
    // starts its answer with " {" (one BPE token), which a grammar starting at "{" would refuse, costing a
    // pass over the whole vocabulary. So the answer may open with one space (JSON.parse skips it).
    const answer = freeRuleName(gbnf);
    return this.llama.createGrammar({ grammar: `${gbnf}${answer} ::= " "? root\n`, rootRuleName: answer });
  }
}
