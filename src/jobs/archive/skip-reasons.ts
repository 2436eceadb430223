/**
 * Why an entry of a batch (archive member, file of a folder, line of a list) was not made a document.
 * Skipped entries are listed with the batch (GET /v1/batches/:id, the results files, the CLI summary);
 * they are not failures of the pipeline.
 */
export const SKIP_REASONS = {
  PATH_TRAVERSAL: "its path leads out of the archive (a '..' segment: zip-slip)",
  ABSOLUTE_PATH: "its path is absolute",
  SYMLINK: "it is a link (symbolic or hard), which is never followed",
  SPECIAL_FILE: "it is not a regular file (device, FIFO...)",
  ENCRYPTED_ENTRY: "it is encrypted; unpack it yourself and send the document",
  NESTED_TOO_DEEP:
    "it is an archive inside an archive inside the batch; only one level of nesting is unpacked",
  NOT_A_DOCUMENT: "it is not a document",
  TOO_LARGE: "it is larger than MAX_UPLOAD_BYTES",
  DUPLICATE_PATH: "another entry has the same path",
  OVER_QUOTA: "the documents the tenant keeps would pass QUOTA_STORED_BYTES",
  UNREADABLE_ENTRY: "it could not be read",
  NOT_FOUND: "the file does not exist",
  TOO_MANY_MANIFESTS:
    "the IIIF collection (with those it lists) names more manifests and collections than IIIF_MAX_MANIFESTS",
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export class SkipEntry extends Error {
  constructor(
    readonly reason: SkipReason,
    detail?: string,
  ) {
    super(detail ? `${SKIP_REASONS[reason]} (${detail})` : SKIP_REASONS[reason]);
  }
}
