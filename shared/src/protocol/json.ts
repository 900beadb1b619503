import { z } from 'zod';
import { LIMITS } from '../limits.js';

/** Problem found in a JSON tree, or undefined when it fits the limits. */
function checkTree(root: unknown): string | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth >= LIMITS.maxDataDepth) return `nested deeper than ${LIMITS.maxDataDepth} levels`;
    const children = Array.isArray(value) ? value : Object.values(value);
    nodes += children.length;
    if (nodes > LIMITS.maxDataNodes) return `more than ${LIMITS.maxDataNodes} values`;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return undefined;
}

/** An event's details: the given typed keys, any others kept, the whole bounded in depth and size. */
export function checkedData<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.looseObject(shape).superRefine((value, ctx) => {
    const problem = checkTree(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `data is ${problem}` });
  });
}
