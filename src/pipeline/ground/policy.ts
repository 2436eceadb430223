/**
 * The alignment policy: how far the source text may differ from what the model wrote and still be
 * cited for it. Set for the service (ALIGNMENT_* settings), for a profile (`x-palimpsest.alignment`)
 * and for a request (`fuzzy`, `maxEditRatio`, `nearMisses`), each overriding the one before.
 */
import { SETTINGS } from "../../config.js";
import { PalimpsestError } from "../../errors.js";

export interface AlignmentPolicy {
  /** Whether a mention may be cited on text that differs from it by edits (OCR noise). */
  fuzzy: boolean;
  /** Share of a name's letters and digits that may be edited; short names get none. */
  maxEditRatio: number;
  /** What becomes of a near miss (over the budget, but within twice it): rejected, or kept and flagged. */
  nearMisses: "reject" | "flag";
}

export const NEAR_MISS_CHOICES = ["reject", "flag"] as const;

/** Names below this many letters and digits get no edit at all: "Metz" with one letter changed is "Mets". */
const SHORTEST_EDITABLE = 4;

/** Edits allowed on a whole name of `length` letters and digits. */
export function nameBudget(policy: AlignmentPolicy, length: number): number {
  if (length < SHORTEST_EDITABLE) return 0;
  return Math.floor(policy.maxEditRatio * length + 1e-9);
}

/**
 * Edits allowed inside one word of a name, so that one word of a long name is never rewritten into
 * another ("Aîons d'Ivernois" for "César d'Ivernois"): twice the name's ratio, at least one edit for
 * words of four letters or more while the ratio allows any.
 */
export function wordBudget(policy: AlignmentPolicy, length: number): number {
  if (length < SHORTEST_EDITABLE || policy.maxEditRatio === 0) return 0;
  return Math.max(1, Math.floor(2 * policy.maxEditRatio * length + 1e-9));
}

/** A near miss is within twice the name's budget (one edit for a name that allows none). */
export function nearMissBudget(policy: AlignmentPolicy, length: number): number {
  if (length < SHORTEST_EDITABLE) return 0;
  return Math.max(1, 2 * nameBudget(policy, length));
}

/** The policy of a service left at its default settings. */
export const DEFAULT_POLICY: AlignmentPolicy = {
  fuzzy: SETTINGS.alignmentFuzzy.default,
  maxEditRatio: SETTINGS.alignmentMaxEditRatio.default,
  nearMisses: SETTINGS.alignmentNearMisses.default,
};

/** The service's policy from its settings. */
export function servicePolicy(config: {
  alignmentFuzzy: boolean;
  alignmentMaxEditRatio: number;
  alignmentNearMisses: AlignmentPolicy["nearMisses"];
}): AlignmentPolicy {
  return {
    fuzzy: config.alignmentFuzzy,
    maxEditRatio: config.alignmentMaxEditRatio,
    nearMisses: config.alignmentNearMisses,
  };
}

/** The options of a request (form fields, query parameters or JSON members, as strings), checked. */
export function requestAlignment(options: {
  fuzzy?: string;
  maxEditRatio?: string;
  nearMisses?: string;
}): Partial<AlignmentPolicy> {
  const policy: Partial<AlignmentPolicy> = {};
  if (options.fuzzy !== undefined) {
    const fuzzy = { true: true, on: true, false: false, off: false }[options.fuzzy.trim().toLowerCase()];
    if (fuzzy === undefined)
      throw badOption(`The option "fuzzy" must be true or false (got "${options.fuzzy}").`);
    policy.fuzzy = fuzzy;
  }
  if (options.maxEditRatio !== undefined) {
    const ratio = Number(options.maxEditRatio);
    if (options.maxEditRatio.trim() === "" || !Number.isFinite(ratio) || ratio < 0 || ratio >= 1)
      throw badOption(
        `The option "maxEditRatio" must be a number from 0 to below 1, the share of a name's letters that may differ (got "${options.maxEditRatio}").`,
      );
    policy.maxEditRatio = ratio;
  }
  if (options.nearMisses !== undefined) {
    const choice = options.nearMisses.trim().toLowerCase();
    if (!(NEAR_MISS_CHOICES as readonly string[]).includes(choice))
      throw badOption(`The option "nearMisses" must be reject or flag (got "${options.nearMisses}").`);
    policy.nearMisses = choice as AlignmentPolicy["nearMisses"];
  }
  return policy;
}

function badOption(message: string): PalimpsestError {
  return new PalimpsestError("BAD_REQUEST", message);
}

/** The policy a document is grounded with: the service's, then the profile's, then the request's. */
export function resolvePolicy(
  service: AlignmentPolicy,
  ...overrides: (Partial<AlignmentPolicy> | undefined)[]
): AlignmentPolicy {
  return Object.assign({}, service, ...overrides.filter((o) => o !== undefined));
}
