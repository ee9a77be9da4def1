/**
 * Reading Google API error bodies (`google.rpc.Status` as JSON): `{ error: { code, message,
 * status, details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "17s" },
 * { "@type": "…/google.rpc.QuotaFailure", violations: [{ quotaId, quotaMetric }] }, …] } }`.
 */

/** The parts of an error body the client acts on. */
export interface GoogleRpcError {
  code?: number;
  /** Canonical code name, e.g. `RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`. */
  status?: string;
  message?: string;
  /** From `google.rpc.RetryInfo.retryDelay`. */
  retryDelayMs?: number;
  /** `quotaId`s of `google.rpc.QuotaFailure` violations. */
  quotaIds: string[];
  /** `reason`s of `google.rpc.ErrorInfo` details, e.g. `API_KEY_INVALID`. */
  reasons: string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Milliseconds of a protobuf JSON `Duration` ("17s", "0.5s", "25.465784708s"), rounded up so
 * that waiting for it is never too short; undefined when it is not one.
 */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(text);
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

/** The `error` object of a body, unwrapping `[{ error }]` and bodies re-wrapped as a string. */
function findError(body: unknown, depth = 0): Json | undefined {
  if (depth > 3) return undefined;
  if (Array.isArray(body)) return findError(body[0], depth + 1);
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const error = body.error;
  // A body that was not served as JSON reaches the SDK as text and is wrapped once more:
  // `{ error: { message: "{\n \"error\": {…} }", code, status: "Too Many Requests" } }`.
  if (typeof error.message === "string" && error.message.trimStart().startsWith("{")) {
    const inner = findError(tryJson(error.message), depth + 1);
    if (inner) return inner;
  }
  return error;
}

/** Parses an error body; fields that are absent or of the wrong shape are left out. */
export function parseGoogleError(text: string): GoogleRpcError {
  const error = findError(tryJson(text));
  const parsed: GoogleRpcError = { quotaIds: [], reasons: [] };
  if (!error) return parsed;
  if (typeof error.code === "number") parsed.code = error.code;
  if (typeof error.status === "string") parsed.status = error.status;
  if (typeof error.message === "string") parsed.message = error.message;
  const details = Array.isArray(error.details) ? error.details : [];
  for (const detail of details) {
    if (!isObject(detail)) continue;
    const type = typeof detail["@type"] === "string" ? detail["@type"] : "";
    if (type.endsWith("google.rpc.RetryInfo")) {
      parsed.retryDelayMs = parseDuration(detail.retryDelay) ?? parsed.retryDelayMs;
    } else if (type.endsWith("google.rpc.QuotaFailure") && Array.isArray(detail.violations)) {
      for (const violation of detail.violations) {
        if (isObject(violation) && typeof violation.quotaId === "string") {
          parsed.quotaIds.push(violation.quotaId);
        }
      }
    } else if (type.endsWith("google.rpc.ErrorInfo") && typeof detail.reason === "string") {
      parsed.reasons.push(detail.reason);
    }
  }
  // Some 429s only say it in words: "… Please retry in 25.465784708s."
  if (parsed.retryDelayMs === undefined && parsed.message) {
    const match = /retry in (\d+(?:\.\d+)?)s\b/i.exec(parsed.message);
    if (match) parsed.retryDelayMs = parseDuration(`${match[1]}s`);
  }
  return parsed;
}
