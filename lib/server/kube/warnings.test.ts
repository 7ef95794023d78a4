import { describe, expect, it } from 'vitest';
import { warningTexts } from './warnings';

describe('warningTexts', () => {
  it('reads each Warning header, unquoting the text, and ignores other headers', () => {
    expect(warningTexts([
      'Content-Type', 'application/json',
      'Warning', '299 - "existing pods in namespace \\"shop\\" violate the new PodSecurity enforce level \\"baseline:v1.24\\""',
      'warning', '299 - "web-1 (and 2 other pods): host namespaces, privileged"',
      'Warning', 'not a warning',
    ])).toEqual([
      'existing pods in namespace "shop" violate the new PodSecurity enforce level "baseline:v1.24"',
      'web-1 (and 2 other pods): host namespaces, privileged',
    ]);
  });
});
