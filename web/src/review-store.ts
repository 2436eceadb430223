/**
 * The record the document view shows, kept in one place: every correction goes through `send`, which
 * names the ETag of the record shown (If-Match) and keeps the record the API answers. When the API
 * refuses a correction because someone else changed the record meanwhile, nothing is overwritten: the
 * conflict is kept for the page to show (who, when) until the reader reloads the record.
 */

import { editorName } from "./editor-name.js";
import {
  type Correction,
  correct,
  getRecord,
  RecordChanged,
  type ReviewRecord,
  type Revision,
  type Versioned,
} from "./review-api.js";

export interface ReviewStore {
  record(): ReviewRecord;
  /** Sends a correction; answers the revision made, or undefined when it was refused as stale. */
  send(correction: Correction): Promise<Revision | undefined>;
  /** Reads the record again (after a conflict, or to see others' changes). */
  reload(): Promise<void>;
  /** The last refusal for a stale record, until the next reload. */
  conflict(): RecordChanged | undefined;
  /** Called after each change of the record or of the conflict. */
  subscribe(listener: () => void): void;
}

export function reviewStore(document: string, profile: string, first: Versioned): ReviewStore {
  let shown = first;
  let conflict: RecordChanged | undefined;
  const listeners: (() => void)[] = [];
  const changed = () => {
    for (const listener of listeners) listener();
  };
  return {
    record: () => shown.record,
    conflict: () => conflict,
    subscribe(listener) {
      listeners.push(listener);
    },
    async send(correction) {
      const editor = editorName();
      try {
        const next = await correct(profile, shown.etag, correction, editor ? { editor } : {});
        shown = next;
        conflict = undefined;
        changed();
        return next.change;
      } catch (error) {
        if (!(error instanceof RecordChanged)) throw error;
        conflict = error;
        changed();
        return undefined;
      }
    },
    async reload() {
      shown = await getRecord(document, profile);
      conflict = undefined;
      changed();
    },
  };
}
