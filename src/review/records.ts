/**
 * Reviewed records over the store: a document's record for a profile is its stored one from the first
 * correction on, built on the model result it began with; before that, the latest result with every
 * mention unreviewed (revision 0). A correction is saved only onto the revision it was made from
 * (Store.saveReview), so of two editors who read one revision, the second is refused.
 */
import type { Extraction } from "../pipeline/extraction.js";
import type { Profile } from "../profiles/profile.js";
import type { ProfileRegistry } from "../profiles/registry.js";
import type { ReviewedMention, Revision } from "../schemas/review.js";
import type { ResultRecord, ReviewRecordRow, RevisionRow, Store } from "../store/port.js";
import type { Correction, CorrectionContext } from "./corrections.js";
import { ReviewText } from "./offsets.js";
import { countStates, documentState } from "./progress.js";
import { unreviewedMentions } from "./record.js";

export interface LoadedRecord {
  /** The latest model result of the document for the profile (the one a record without revision shows). */
  latest: ResultRecord;
  /** The model result the record is built on. */
  result: ResultRecord;
  extraction: Extraction;
  /** Absent until the first correction. */
  stored?: ReviewRecordRow;
  revision: number;
  mentions: ReviewedMention[];
  etag: string;
}

/** The ETag of a record: its result and revision, so that a record without revision follows its result. */
export const recordEtag = (resultId: number, revision: number) => `"${resultId}.${revision}"`;

export class Reviews {
  constructor(
    private readonly store: Store,
    private readonly profiles: ProfileRegistry,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The record of the result's document and profile; `latest` is the latest result of that pair. */
  async load(latest: ResultRecord): Promise<LoadedRecord> {
    const stored = await this.store.getReview(latest.documentId, latest.tenant, latest.profile);
    const result = stored === undefined || stored.resultId === latest.id ? latest : await this.baseOf(stored);
    const extraction = JSON.parse(result.extraction) as Extraction;
    const revision = stored?.revision ?? 0;
    return {
      latest,
      result,
      extraction,
      ...(stored ? { stored } : {}),
      revision,
      mentions: stored ? (JSON.parse(stored.mentions) as ReviewedMention[]) : unreviewedMentions(extraction),
      etag: recordEtag(result.id, revision),
    };
  }

  /**
   * Applies a correction to the record as loaded and saves it as the next revision. Undefined when
   * another revision was saved since the record was loaded: nothing is saved then.
   */
  async correct(
    record: LoadedRecord,
    who: { editor: string; note?: string },
    apply: (mentions: readonly ReviewedMention[], context: CorrectionContext) => Correction,
  ): Promise<{ record: LoadedRecord; change: RevisionRow } | undefined> {
    const at = this.clock();
    const revision = record.revision + 1;
    const profile = this.profileNamed(record.result.profile);
    const correction = apply(record.mentions, {
      extraction: record.extraction,
      text: new ReviewText(record.extraction.text),
      ...(profile ? { profile } : {}),
      editor: who.editor,
      at,
      revision,
    });
    const counts = countStates(correction.mentions);
    const stored: ReviewRecordRow = {
      tenant: record.result.tenant,
      documentId: record.result.documentId,
      profile: record.result.profile,
      resultId: record.result.id,
      revision,
      mentions: JSON.stringify(correction.mentions),
      counts,
      state: documentState(counts, revision),
      createdAt: record.stored?.createdAt ?? at,
      updatedAt: at,
    };
    const change: RevisionRow = {
      revision,
      editor: who.editor,
      kind: correction.kind,
      createdAt: at,
      change: JSON.stringify({ ...(who.note ? { note: who.note } : {}), changes: correction.changes }),
    };
    if (!(await this.store.saveReview(stored, change))) return undefined;
    return {
      record: {
        ...record,
        stored,
        revision,
        mentions: correction.mentions,
        etag: recordEtag(record.result.id, revision),
      },
      change,
    };
  }

  async revisions(record: LoadedRecord): Promise<Revision[]> {
    const { documentId, tenant, profile } = record.result;
    const rows = await this.store.listRevisions(documentId, tenant, profile);
    return rows.map((row) => revisionView(row, record.result.id));
  }

  /** A profile the registry knows, to check corrections against; a custom one sent with a job is not kept. */
  private profileNamed(name: string): Profile | undefined {
    return this.profiles.list().find((profile) => profile.name === name);
  }

  private async baseOf(stored: ReviewRecordRow): Promise<ResultRecord> {
    const result = await this.store.getResult(stored.resultId);
    // A result goes only with its document, and its records with it (Store.deleteDocument).
    if (!result)
      throw new Error(
        `The record of ${stored.documentId} refers to result ${stored.resultId}, which is gone`,
      );
    return result;
  }
}

export function revisionView(row: RevisionRow, resultId: number): Revision {
  const { note, changes } = JSON.parse(row.change) as Pick<Revision, "note" | "changes">;
  return {
    revision: row.revision,
    etag: recordEtag(resultId, row.revision),
    editor: row.editor,
    at: new Date(row.createdAt).toISOString(),
    kind: row.kind as Revision["kind"],
    ...(note ? { note } : {}),
    changes,
  };
}
