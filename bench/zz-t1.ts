import { groundChunkItems } from "../src/pipeline/ground/ground.js";
const id = (text: string) => ({ text, toSource: Int32Array.from({ length: text.length + 1 }, (_, i) => i) });
function g(source: string, items: any[], policy?: any) {
  const n = id(source);
  return groundChunkItems({ source, normalized: n, chunk: { index: 0, text: source, start: 0, end: source.length }, items, verbatimPaths: ["/text"], exampleMentions: new Set(), policy });
}
const r = g("fournis par M. Hagenbcck, qui exhibe à GENEVE la caravane de Jofeph BONAPARLE. Le 29 mai 1858, César d'Ivernois, conseiller\nd'Etat, Louis XIV, 1S28, Garnbetta, Val de-Travers.", [
 { type: "person", text: "Hagenbeck" }, { type: "place", text: "Genève" }, { type: "person", text: "Joseph Bonaparte" },
 { type: "date", text: "28 mai 1858" }, { type: "person", text: "Aîons d'Ivernois, conseiller d'Etat" }, { type: "person", text: "Louis XV" },
 { type: "date", text: "1828" }, { type: "person", text: "Gambetta" }, { type: "place", text: "Val-de-Travers" }, { type: "person", text: "Hagenbach" }, {type:"person", text:"Napoléon"}]);
console.log(JSON.stringify(r, null, 1));
