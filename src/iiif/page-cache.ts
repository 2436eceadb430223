/**
 * Decoded page images kept in memory, least recently used first out, within a byte budget
 * (IIIF_CACHE_BYTES): a deep-zoom viewer asks for many tiles of one page, and decoding a scan, or
 * rendering a PDF page, costs far more than cutting a tile from its pixels. Two requests for a page
 * being decoded wait for the one decoding.
 */
import sharp, { type Sharp } from "sharp";
import { undecodable } from "../pipeline/ocr/decode-image.js";

export interface DecodedPage {
  pixels: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export class PageCache {
  private readonly pages = new Map<string, DecodedPage>();
  private readonly decoding = new Map<string, Promise<DecodedPage>>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  /** The page's pixels, decoded by `decode` unless kept. */
  async get(key: string, decode: () => Promise<DecodedPage>): Promise<DecodedPage> {
    const kept = this.pages.get(key);
    if (kept) {
      // Most recently used last.
      this.pages.delete(key);
      this.pages.set(key, kept);
      return kept;
    }
    const pending = this.decoding.get(key);
    if (pending) return pending;
    const decoded = decode().finally(() => this.decoding.delete(key));
    this.decoding.set(key, decoded);
    const page = await decoded;
    this.keep(key, page);
    return page;
  }

  private keep(key: string, page: DecodedPage): void {
    if (page.pixels.length > this.budget || this.pages.has(key)) return;
    this.pages.set(key, page);
    this.bytes += page.pixels.length;
    for (const [oldest, old] of this.pages) {
      if (this.bytes <= this.budget) break;
      this.pages.delete(oldest);
      this.bytes -= old.pixels.length;
    }
  }
}

/** The pixels of a page decoder; CORRUPT_DOCUMENT when they cannot be decoded. */
export async function decodePage(page: Sharp): Promise<DecodedPage> {
  try {
    const { data, info } = await page.raw().toBuffer({ resolveWithObject: true });
    return { pixels: data, width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    throw undecodable(error);
  }
}

/** The decoded page as an image to cut, scale and encode. */
export function fromPixels(page: DecodedPage): Sharp {
  return sharp(page.pixels, { raw: { width: page.width, height: page.height, channels: page.channels } });
}
