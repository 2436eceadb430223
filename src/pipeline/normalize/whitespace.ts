/**
 * Whitespace for the model: blanks inside a line collapse to one space, a single line break inside a
 * paragraph becomes a space, two or more become one blank line (a paragraph boundary the chunker
 * cuts at), and blanks at the start and end of lines and of the text disappear.
 */
import { rewrite, type Step } from "./rewrite.js";

export const collapseWhitespace: Step = (input) =>
  rewrite(input, /[\p{Zs}\t\n]+/gu, ({ 0: run, index, input: text }) => {
    if (index === 0 || index + run.length === text.length) return "";
    const lineBreaks = run.split("\n").length - 1;
    return lineBreaks >= 2 ? "\n\n" : " ";
  });
