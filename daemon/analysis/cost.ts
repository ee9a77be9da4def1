/**
 * Prices per model and what a call costs. Google bills input and output tokens at different
 * rates; the table is a setting so it can follow price changes.
 */

/** USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Published prices when this was written (text, ≤ 200k-token prompts); editable in settings. */
export const DEFAULT_PRICES: Record<string, ModelPrice> = {
  "gemini-2.5-flash": { inputPerMillion: 0.3, outputPerMillion: 2.5 },
  "gemini-2.5-flash-lite": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "gemini-2.5-pro": { inputPerMillion: 1.25, outputPerMillion: 10 },
};

/** The cost of a call in USD; a model missing from the table is priced like the dearest one. */
export function callCost(
  prices: Record<string, ModelPrice>,
  model: string,
  usage: { promptTokens: number; outputTokens: number },
): number {
  const price = prices[model] ?? Object.values(prices).reduce(
    (a, b) => (a.outputPerMillion >= b.outputPerMillion ? a : b),
    { inputPerMillion: 0, outputPerMillion: 0 },
  );
  const usd = (usage.promptTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) /
    1e6;
  return Math.round(usd * 1e6) / 1e6;
}

/** Output tokens a reply needs, by the number of expressions asked for (measured on real replies). */
export function expectedOutputTokens(maxExpressions: number, targetLanguages: number): number {
  return maxExpressions * (220 + 90 * targetLanguages) + 20;
}
