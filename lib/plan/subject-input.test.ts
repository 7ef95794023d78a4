import { describe, expect, it } from 'vitest';
import { describeSubjects, subjectsFromInput } from './subject-input';

describe('subjectsFromInput', () => {
  it('one subject a line, blank lines and repeats dropped; commas belong to names', () => {
    expect(subjectsFromInput('Group', 'dev-team\n\n  ops, on call \ndev-team\n', 'x')).toEqual([
      { kind: 'Group', name: 'dev-team' },
      { kind: 'Group', name: 'ops, on call' },
    ]);
  });
  it('service accounts take the chosen namespace; a service-account user name becomes its ServiceAccount', () => {
    expect(subjectsFromInput('ServiceAccount', 'runner\nbuilder', 'ci')).toEqual([
      { kind: 'ServiceAccount', name: 'runner', namespace: 'ci' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
    ]);
    expect(subjectsFromInput('User', 'system:serviceaccount:shop:web\nalice', 'ignored')).toEqual([
      { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
      { kind: 'User', name: 'alice' },
    ]);
  });
  it('describes one subject by name and several by count', () => {
    expect(describeSubjects([{ kind: 'ServiceAccount', name: 'a', namespace: 'n' }])).toBe('ServiceAccount n/a');
    expect(describeSubjects(subjectsFromInput('Group', 'a\nb', 'n'))).toBe('2 subjects');
  });
});
