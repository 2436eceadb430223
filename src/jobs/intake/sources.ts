/** A job's source, read by the reader that fits it. */
import type { JobSpec } from "../../store/port.js";
import { admitFolder, admitList } from "./files.js";
import type { Intake } from "./intake.js";
import { admitManifest, type ManifestSource } from "./manifests.js";

export function admitSource(
  intake: Intake,
  source: NonNullable<JobSpec["source"]>,
  remote: ManifestSource,
): Promise<void> {
  switch (source.kind) {
    case "archive":
      return intake.unpackFile(source.path);
    case "dir":
      return admitFolder(intake, source.path);
    case "list":
      return admitList(intake, source.path);
    case "manifest":
      return admitManifest(intake, source.path, remote);
  }
}
