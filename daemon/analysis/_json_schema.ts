/**
 * The schema sent as Gemini's `responseJsonSchema` (standard JSON Schema). zod writes either
 * JSON Schema (`z.toJSONSchema(s)`) or, with `{ target: "openapi-3.0" }`, OpenAPI 3.0, whose
 * `nullable: true` JSON Schema does not know (Gemini would ignore it and never answer null).
 * Both are accepted: `nullable` is rewritten as a union with `"null"`; everything else is kept.
 */

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (!isNode(value)) return value;
  const node: Node = {};
  for (const [key, child] of Object.entries(value)) node[key] = convert(child);
  if (node.nullable !== true) return node;
  delete node.nullable;
  if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
  if (typeof node.type === "string") return { ...node, type: [node.type, "null"] };
  if (Array.isArray(node.type)) {
    return node.type.includes("null") ? node : { ...node, type: [...node.type, "null"] };
  }
  return { anyOf: [node, { type: "null" }] };
}

/** A copy of `schema` fit for `responseJsonSchema` (see the module comment). */
export function toResponseJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return convert(schema) as Record<string, unknown>;
}
