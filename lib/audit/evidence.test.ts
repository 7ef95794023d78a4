import { describe, expect, it } from 'vitest';
import { ruleInWords } from './evidence';

describe('ruleInWords', () => {
  const use = { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] };
  it('says which rule (counted from 1) and what it lets use', () => {
    expect(ruleInWords({ ...use, resourceNames: ['eks.privileged'] }, 0)).toBe('rule 1 allows use of PSP eks.privileged');
    expect(ruleInWords({ ...use, resourceNames: ['a', 'b'] }, 2)).toBe('rule 3 allows use of PSPs a, b');
    expect(ruleInWords(use, 1)).toBe('rule 2 allows use of every PSP (no resourceNames)');
    expect(ruleInWords({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, 0)).toBe('rule 1 allows use of every PSP (through *)');
  });
});
