/** The evaluation report as Markdown, for people: the same figures as the JSON, rounded. */
import type { EvalReport } from "./report.js";
import type { MacroScores, Scores } from "./score.js";

const figure = (value: number | null) => (value === null ? "–" : value.toFixed(4));

function table(header: string[], rows: (string | number)[][]): string {
  // A document id or an error message must not end its cell early or break its row.
  const cell = (value: string | number) =>
    String(value)
      .replace(/\|/g, "\\|")
      .replace(/\s*\n\s*/g, " ");
  const line = (cells: (string | number)[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function listed(entries: Record<string, number>): string {
  return Object.entries(entries)
    .map(([key, n]) => `\`${key}\` ×${n}`)
    .join(", ");
}

const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

const prf = (s: Scores) => [figure(s.precision), figure(s.recall), figure(s.f1)];
const macro = (m: MacroScores) => [figure(m.precision), figure(m.recall), figure(m.f1)];

export function reportMarkdown(report: EvalReport): string {
  const { overall } = report;
  const reference = (language: string) => report.reference.hipe2020BestStrictF1[language]?.toFixed(2);
  const model = report.model
    ? ` · model \`${report.model.id}\` (${report.model.server}${report.model.grammar ? ", grammar" : ""})`
    : "";
  const sections = [
    "# Evaluation report",
    `Profile \`${report.profile.name}\` ${report.profile.version}${model} · ${counted(overall.documents, "document")}, ${counted(overall.gold, "gold mention")}, ${counted(overall.predicted, "prediction")} scored.`,
    table(
      ["scheme", "precision", "recall", "F1", "TP", "FP", "FN", "macro-doc P", "macro-doc R", "macro-doc F1"],
      (["strict", "fuzzy"] as const).map((scheme) => [
        scheme,
        ...prf(overall.micro[scheme]),
        overall.micro[scheme].tp,
        overall.micro[scheme].fp,
        overall.micro[scheme].fn,
        ...macro(overall.macroDocument[scheme]),
      ]),
    ),
    "Strict: same type and exactly the same boundaries; fuzzy: same type and overlapping (HIPE definitions, counted as the official HIPE scorer counts).",
    "## By type",
    table(
      ["type", "strict P", "strict R", "strict F1", "fuzzy P", "fuzzy R", "fuzzy F1"],
      Object.entries(overall.byType).map(([type, s]) => [`\`${type}\``, ...prf(s.strict), ...prf(s.fuzzy)]),
    ),
    "## By language",
    table(
      [
        "language",
        "documents",
        "gold mentions",
        "strict P",
        "strict R",
        "strict F1",
        "fuzzy F1",
        "HIPE-2020 best strict F1",
      ],
      Object.entries(report.byLanguage).map(([language, l]) => [
        language,
        l.documents,
        l.gold,
        ...prf(l.micro.strict),
        figure(l.micro.fuzzy.f1),
        figure(report.reference.hipe2020BestStrictF1[language] ?? null),
      ]),
    ),
    "## Gold",
    table(
      ["file", "counted in", "type map (gold label: product type)", "documents", "gold mentions"],
      report.files.map((f) => [
        `\`${f.path}\``,
        f.units,
        `${f.typeMap.name}: ${Object.entries(f.typeMap.labels)
          .map(([label, type]) => `${label}: ${type}`)
          .join(", ")}`,
        f.documents,
        f.gold,
      ]),
    ),
    notScored(report),
    "## Documents",
    table(
      ["file", "document", "language", "gold", "predicted", "strict F1", "fuzzy F1", "error"],
      report.documents.map((d) => [
        `\`${d.file}\``,
        d.id,
        d.language ?? "",
        d.gold,
        d.predicted,
        figure(d.strict.f1),
        figure(d.fuzzy.f1),
        d.error ? `${d.error.code}: ${d.error.message}` : "",
      ]),
    ),
    `For reference, the best published HIPE-2020 systems reached a strict F1 (coarse, literal) of ${reference("fr")} in French, ${reference("de")} in German and ${reference("en")} in English: compare a real model's strict F1 with these.`,
  ];
  return `${sections.join("\n\n")}\n`;
}

function notScored(report: EvalReport): string {
  const { unmappedTypes, labelsNotInGold, overlapping } = report.notScored;
  const items = [
    Object.keys(unmappedTypes).length > 0 &&
      `Predictions of types the type map does not map: ${listed(unmappedTypes)}.`,
    Object.keys(labelsNotInGold).length > 0 &&
      `Predictions with labels the gold never uses (ignored, as by the official scorer): ${listed(labelsNotInGold)}.`,
    overlapping > 0 && `${overlapping} predictions overlapping an earlier one on the same tokens.`,
    Object.keys(report.rejected).length > 0 &&
      `Answers the product rejected before scoring: ${listed(report.rejected as Record<string, number>)}.`,
    report.failedDocuments > 0 &&
      `${report.failedDocuments} documents failed: their gold mentions count as missed (see the error column).`,
  ].filter((item): item is string => typeof item === "string");
  return [
    "## Not scored",
    items.length > 0 ? items.map((item) => `- ${item}`).join("\n") : "Everything was scored.",
  ].join("\n\n");
}
