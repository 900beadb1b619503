/**
 * Token prices per model, and the estimated cost of a call. Prices are USD per million tokens
 * from the provider's public list; a model not in the table costs "unknown", never a guess.
 */

/** USD per million input and output tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** The price table, by model family. */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-4': { input: 30, output: 60 },
};

// A dated snapshot (gpt-4o-2024-08-06, gpt-4-0613) is priced as its family.
const SNAPSHOT = /-(?:\d{4}-\d{2}-\d{2}|\d{4})$/;

/** The price of `model`, or null when it is not in the table. */
export function priceOf(model: string): ModelPrice | null {
  const name = model.trim().toLowerCase();
  const family = Object.hasOwn(MODEL_PRICES, name) ? name : name.replace(SNAPSHOT, '');
  return Object.hasOwn(MODEL_PRICES, family) ? (MODEL_PRICES[family] ?? null) : null;
}

/** The estimated USD cost of a call; `usd` is null for a model not in the table. */
export function estimateCost(
  model: string,
  promptTokens: number,
  completionTokens: number,
): { usd: number | null } {
  const price = priceOf(model);
  if (!price) return { usd: null };
  const usd = (count(promptTokens) * price.input + count(completionTokens) * price.output) / 1e6;
  return { usd };
}

function count(tokens: number): number {
  return Number.isFinite(tokens) && tokens > 0 ? tokens : 0;
}
