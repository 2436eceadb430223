/** How the API shows a stored document's result in GET /v1/documents, and the links to that result. */
import type { ResultSummary } from "../store/port.js";

export const entitiesLink = (documentId: string, profile: string) =>
  `/v1/documents/${documentId}/entities?profile=${encodeURIComponent(profile)}`;

/** The latest result of a document for a profile, as GET /v1/documents lists it. */
export function documentListView(result: ResultSummary) {
  const self = `/v1/documents/${result.documentId}`;
  return {
    id: result.documentId,
    name: result.name,
    mediaType: result.mediaType,
    pages: result.pages,
    mentions: result.mentions,
    rejected: result.rejected,
    profile: result.profile,
    createdAt: new Date(result.createdAt).toISOString(),
    links: {
      self,
      entities: entitiesLink(result.documentId, result.profile),
      // A result without pages is served as one page holding the whole text: page 1 always exists.
      pages: `${self}/pages/1?profile=${encodeURIComponent(result.profile)}`,
    },
  };
}
