/**
 * The OpenAI adapter: the only file that imports `openai`. Chat completions with a strict JSON
 * schema response format; works with any OpenAI-compatible server through `baseURL`.
 */
import OpenAI from 'openai';
import { ANSWER_FORMAT_NAME, answerJsonSchema } from './model.js';
import type { ModelAnswer, ModelPort, ModelRequest } from './types.js';

/** The default model: GPT-4-class with structured outputs. */
export const DEFAULT_OPENAI_MODEL = 'gpt-4o';

/** Most tokens an answer may take. */
export const MAX_ANSWER_TOKENS = 1_000;

/** How to reach the model. */
export interface OpenAiModelOptions {
  apiKey: string;
  /** OPENAI_BASE_URL, for OpenAI-compatible servers; the SDK's default when absent. */
  baseURL?: string | undefined;
  /** OPENAI_MODEL; DEFAULT_OPENAI_MODEL when absent. */
  model?: string | undefined;
  /** Per request attempt; 15 s by default. */
  timeoutMs?: number | undefined;
  /** Retries after a failed attempt (connection errors, 408, 429, 5xx); 1 by default. */
  maxRetries?: number | undefined;
}

/** Thrown when the model gave no usable content (a refusal, or an empty choice). */
export class ModelAnswerError extends Error {
  override readonly name = 'ModelAnswerError';
}

/** A model port backed by the OpenAI chat completions API. */
export function createOpenAiModel(options: OpenAiModelOptions): ModelPort {
  const model = options.model || DEFAULT_OPENAI_MODEL;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL || undefined,
    timeout: options.timeoutMs ?? 15_000,
    maxRetries: options.maxRetries ?? 1,
  });
  return {
    model,
    async suggest(request: ModelRequest, signal?: AbortSignal): Promise<ModelAnswer> {
      const completion = await client.chat.completions.create(
        {
          model,
          temperature: 0,
          // An answer is a few hundred tokens; the cap bounds the cost of a runaway one.
          max_completion_tokens: MAX_ANSWER_TOKENS,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          response_format: {
            type: 'json_schema',
            json_schema: { name: ANSWER_FORMAT_NAME, strict: true, schema: answerJsonSchema },
          },
        },
        signal ? { signal } : undefined,
      );
      const choice = completion.choices[0];
      const message = choice?.message;
      if (!message) throw new ModelAnswerError('the model returned no choice');
      if (choice.finish_reason === 'length')
        throw new ModelAnswerError(`the answer was cut off at ${MAX_ANSWER_TOKENS} tokens`);
      if (message.refusal) throw new ModelAnswerError(`the model refused: ${message.refusal}`);
      if (!message.content) throw new ModelAnswerError('the model returned no content');
      return {
        content: message.content,
        model: completion.model || model,
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
        cached: false,
      };
    },
  };
}
