/** Counts the pages an OCR engine reads, and the time it takes on each, for /metrics. */
import type { OcrEngine } from "../pipeline/ocr/port.js";
import type { Metrics } from "./metrics.js";

/** "tesseract 5.3.0" -> "tesseract": versions would make a new series at every upgrade. */
export function engineFamily(name: string): string {
  return name.replace(/\s+v?\d[\w.-]*$/, "");
}

export function observeOcrEngine(engine: OcrEngine, metrics: Pick<Metrics, "ocrPage">): OcrEngine {
  const family = engineFamily(engine.name);
  return {
    name: engine.name,
    models: engine.models,
    close: () => engine.close(),
    // Orientation is part of reading a page, not a page of its own: passed through uncounted.
    ...(engine.detectOrientation ? { detectOrientation: engine.detectOrientation.bind(engine) } : {}),
    async recognize(image, models, signal) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const hocr = await engine.recognize(image, models, signal);
        metrics.ocrPage(family, "ok", seconds());
        return hocr;
      } catch (error) {
        metrics.ocrPage(family, "failed", seconds());
        throw error;
      }
    },
  };
}
