/**
 * Expression analysis: chunking subtitles, asking Gemini (through a rate-limited pool, with a
 * reply cache), validating each expression, selecting and grouping, and storing the result for
 * review.
 * @module
 */
export { Analyzer, BudgetExceededError, type LlmRunner, parseReply, REPLY_JSON_SCHEMA } from "./analyzer.ts";
export { type Chunk, chunkCues, cueLine, estimateTokens, MAX_CUE_CHARS } from "./chunker.ts";
export { callCost, DEFAULT_PRICES, type ModelPrice } from "./cost.ts";
export { groupScenes } from "./groups.ts";
export {
  type LlmClient,
  LlmError,
  type LlmErrorKind,
  type LlmReply,
  type LlmRequest,
  type LlmUsage,
} from "./llm.ts";
export { chunkPrompt, PROMPT_VERSION, systemPrompt } from "./prompt.ts";
export {
  ExpressionNotFoundError,
  listExpressions,
  reviewExpressions,
  summariseExpressions,
} from "./repository.ts";
export { sameExpression, selectExpressions } from "./select.ts";
export { type DropReason, fitContext, validateExpression } from "./validate.ts";
