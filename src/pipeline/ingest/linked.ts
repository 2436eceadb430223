/**
 * What documents that point to other files need to read them: a METS package (limits, and whether
 * its remote files may be fetched) and a IIIF manifest (the fetcher of its images and annotations, and
 * the image size asked for OCR). Built from the configuration; a setting left out takes its default.
 */
import { type Config, SETTINGS } from "../../config.js";
import { RemoteFetcher, remoteRules } from "../../remote/fetcher.js";
import type { MetsLimits } from "./mets/mets-structure.js";

export const LINKED_SETTINGS = [
  "metsMaxFiles",
  "metsMaxDivs",
  "metsRemoteFiles",
  "iiifAllowedHosts",
  "iiifAllowPrivateAddresses",
  "iiifMaxBytes",
  "iiifTimeoutMs",
  "iiifMaxRedirects",
  "iiifImageSize",
] as const;

export type LinkedSettings = Pick<Config, (typeof LINKED_SETTINGS)[number]>;

export interface LinkedReading {
  fetcher: RemoteFetcher;
  mets: MetsLimits & { remoteFiles: boolean };
  /** IIIF_IMAGE_SIZE */
  iiifImageSize: number;
}

export function linkedReading(config: Partial<LinkedSettings>): LinkedReading {
  const settings = Object.fromEntries(
    LINKED_SETTINGS.map((key) => [key, config[key] ?? SETTINGS[key].default]),
  ) as LinkedSettings;
  return {
    fetcher: new RemoteFetcher(remoteRules(settings)),
    mets: {
      maxFiles: settings.metsMaxFiles,
      maxDivs: settings.metsMaxDivs,
      remoteFiles: settings.metsRemoteFiles,
    },
    iiifImageSize: settings.iiifImageSize,
  };
}
