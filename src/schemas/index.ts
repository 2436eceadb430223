/**
 * The API's shared shapes: registered with fastify (app.addSchema) so that routes refer to them by
 * `$ref`, and listed under the OpenAPI description's components.schemas under their $id.
 */
import { Document, DocumentList, PageView, StoredDocument } from "./document.js";
import { ErrorBody, ErrorDetail } from "./error.js";
import {
  Box,
  Extraction,
  ExtractionOutline,
  Mention,
  Page,
  PageReading,
  Range,
  Rejected,
  Span,
  Warning,
} from "./extraction.js";
import { Health, Ready } from "./health.js";
import { IiifInfo } from "./iiif.js";
import {
  Batch,
  Job,
  JobDocument,
  JobDocumentList,
  JobList,
  JobProgress,
  SkippedEntry,
  StoredError,
} from "./job.js";
import { Profile, ProfileList, ProfileSummary } from "./profile.js";
import {
  MentionChange,
  MentionOriginal,
  ResultDifference,
  ReviewedMention,
  ReviewProgress,
  ReviewRecord,
  Revision,
  RevisionList,
} from "./review.js";
import { Session } from "./session.js";
import { Usage } from "./usage.js";

export const SHARED_SCHEMAS = [
  Box,
  Warning,
  PageReading,
  Page,
  Span,
  Mention,
  Range,
  Rejected,
  Extraction,
  ExtractionOutline,
  ReviewProgress,
  ErrorDetail,
  ErrorBody,
  StoredError,
  JobProgress,
  Job,
  SkippedEntry,
  Batch,
  JobDocument,
  JobList,
  JobDocumentList,
  Document,
  DocumentList,
  StoredDocument,
  PageView,
  ProfileSummary,
  ProfileList,
  Profile,
  Session,
  Usage,
  Health,
  Ready,
  MentionOriginal,
  ReviewedMention,
  MentionChange,
  Revision,
  RevisionList,
  ResultDifference,
  ReviewRecord,
  IiifInfo,
] as const;
