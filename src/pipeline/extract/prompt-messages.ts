/**
 * The prompt's own words, in the languages BLOOM was trained on that archives are written in.
 * A document in any other language (German, Italian, Latin...) gets English: BLOOM follows English
 * instructions best after its training languages.
 */
export interface PromptMessages {
  /** One line: what to do. The profile's description follows it. */
  instruction: string;
  fields: string;
  document: string;
  /** Re-ask: introduces the rejected answer. */
  previous: string;
  /** Re-ask: introduces the validation errors. */
  errors: string;
}

export const PROMPT_MESSAGES: Readonly<Record<string, PromptMessages>> = {
  en: {
    instruction:
      "Extract from the document, as JSON, the items described below. Copy every mention exactly as written.",
    fields: "Fields:",
    document: "Document:",
    previous: "Rejected answer:",
    errors: "Fix these errors:",
  },
  fr: {
    instruction:
      "Extrais du document, en JSON, les éléments décrits ci-dessous. Recopie chaque mention exactement comme elle est écrite.",
    fields: "Champs :",
    document: "Document :",
    previous: "Réponse refusée :",
    errors: "Corrige ces erreurs :",
  },
  es: {
    instruction:
      "Extrae del documento, en JSON, los elementos descritos abajo. Copia cada mención exactamente como está escrita.",
    fields: "Campos:",
    document: "Documento:",
    previous: "Respuesta rechazada:",
    errors: "Corrige estos errores:",
  },
  pt: {
    instruction:
      "Extraia do documento, em JSON, os elementos descritos abaixo. Copie cada menção exatamente como está escrita.",
    fields: "Campos:",
    document: "Documento:",
    previous: "Resposta rejeitada:",
    errors: "Corrija estes erros:",
  },
  ca: {
    instruction:
      "Extreu del document, en JSON, els elements descrits a continuació. Copia cada menció exactament com està escrita.",
    fields: "Camps:",
    document: "Document:",
    previous: "Resposta rebutjada:",
    errors: "Corregeix aquests errors:",
  },
};
