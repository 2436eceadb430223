/**
 * Objects: the declared properties in their declared order, required ones always, optional ones
 * present or absent. Commas make this the hard part: only the first property written has none before
 * it. The object is one alternative per property that can come first (any optional property before the
 * first required one, or that required one), each followed by a rule for "the rest, from the next
 * property on", where every property is `"," key:value`, optional or not. Those rest rules are chained,
 * one per leading optional property, so the grammar grows linearly with the number of properties.
 */
import type { Facet } from "./facet.js";
import { alt, EMPTY, type Expr, literal, optional, ref, render, seq } from "./gbnf-expr.js";
import type { Generation } from "./generation.js";

interface Member {
  keyValue: Expr;
  required: boolean;
}

function piece(member: Member): Expr {
  const next = seq(literal(","), member.keyValue);
  return member.required ? next : optional(next);
}

/** A rule when the expression is worth naming (it is used twice), else the expression itself. */
function named(gen: Generation, expr: Expr, hint: string): Expr {
  return expr.kind === "literal" || expr.kind === "ref" ? expr : ref(gen.rules.add(hint, render(expr)));
}

function membersExpr(gen: Generation, members: readonly Member[], hint: string): Expr {
  const firstRequired = members.findIndex((member) => member.required);
  const leading = firstRequired === -1 ? members.length : firstRequired;
  if (leading === 0) return seq((members[0] as Member).keyValue, ...members.slice(1).map(piece));
  // Everything after the first required property, written after it whichever property came first.
  const afterRequired = named(gen, seq(...members.slice(leading + 1).map(piece)), `${hint}-tail`);
  const starts: Expr[] = [];
  if (leading < members.length) starts.push(seq((members[leading] as Member).keyValue, afterRequired));
  // rest[j]: the properties from j on, each after a comma.
  let rest: Expr = leading < members.length ? seq(piece(members[leading] as Member), afterRequired) : EMPTY;
  for (let index = leading - 1; index >= 0; index--) {
    const member = members[index] as Member;
    starts.push(seq(member.keyValue, rest));
    if (index > 0) rest = named(gen, seq(piece(member), rest), `${hint}-rest`);
  }
  // With no required property, the object may be empty.
  return alt(...starts.reverse(), ...(leading === members.length ? [EMPTY] : []));
}

export function objectExpr(gen: Generation, facet: Facet, hint: string): Expr | undefined {
  if (facet.objectImpossible) return undefined;
  if (!facet.objectDeclared) {
    gen.problems.add(
      [...facet.at, "properties"],
      "free-form objects cannot be generated: declare the object's properties",
    );
    return literal("{}");
  }
  const members: Member[] = [];
  for (const property of facet.properties) {
    const value = gen.rule(property.schemas);
    if (value === undefined) {
      if (property.required) return undefined;
      continue;
    }
    members.push({
      keyValue: seq(literal(`${JSON.stringify(property.name)}:`), value),
      required: property.required,
    });
  }
  if (members.length === 0) return literal("{}");
  return seq(literal("{"), membersExpr(gen, members, hint), literal("}"));
}
