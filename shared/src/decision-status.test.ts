import { describe, expect, it } from 'vitest';
import {
  awaitsPerson,
  DECIDABLE_DECISION_STATUSES,
  DECISION_STATUS_RULES,
  DECISION_STATUSES,
  OPEN_DECISION_STATUSES,
} from './index.js';
import { decisionStatusSchema } from './protocol/index.js';

describe('decision statuses', () => {
  it('are the schema’s statuses, each with its meaning', () => {
    expect(decisionStatusSchema.options).toEqual([...DECISION_STATUSES]);
    expect(Object.keys(DECISION_STATUS_RULES).sort()).toEqual([...DECISION_STATUSES].sort());
  });

  it('keep a decision open until it is settled, and ask a person only while pending', () => {
    expect(OPEN_DECISION_STATUSES).toEqual(['pending', 'approved', 'dispatched', 'recorded']);
    expect(DECIDABLE_DECISION_STATUSES).toEqual(['pending']);
    expect(DECISION_STATUSES.filter(awaitsPerson)).toEqual(['pending']);
    // What waits for a person has not gone ahead, and is open.
    for (const status of DECIDABLE_DECISION_STATUSES) {
      expect(DECISION_STATUS_RULES[status]).toMatchObject({ open: true, wentAhead: false });
    }
  });
});
