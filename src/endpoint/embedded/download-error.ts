/**
 * Why a model download failed, in words a person can act on. The caller adds what is the same for every
 * failure: the file, the URL, and where the file can be put by hand.
 */
export class DownloadError extends Error {
  override name = "DownloadError";
}
