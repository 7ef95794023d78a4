/**
 * Field errors as the API server prints them (k8s.io/apimachinery field.Error): `path: Type: value:
 * detail`. The value is rendered as Go would render the Go value the plugin passed, which is why
 * each error records the Go type of its value.
 */

export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden';

/** How the bad value is printed: Go prints numbers and bools bare, strings quoted, slices as `%#v`. */
export type GoValue =
  | { kind: 'none' }
  | { kind: 'null' }
  | { kind: 'int'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'int64s'; value: number[] | null }
  | { kind: 'capabilities'; value: string[] | null }
  | { kind: 'raw'; text: string };

export interface FieldError {
  field: string;
  type: FieldErrorType;
  value: GoValue;
  detail: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = { Invalid: 'Invalid value', Required: 'Required value', Forbidden: 'Forbidden' };

function goValueText(v: GoValue): string {
  switch (v.kind) {
    case 'none':
    case 'null':
      return 'null';
    case 'int':
    case 'bool':
      return String(v.value);
    case 'string':
      return JSON.stringify(v.value);
    case 'int64s':
      return v.value === null ? '[]int64(nil)' : `[]int64{${v.value.join(', ')}}`;
    case 'capabilities':
      return v.value === null ? '[]core.Capability(nil)' : `[]core.Capability{${v.value.map((c) => JSON.stringify(c)).join(', ')}}`;
    case 'raw':
      return v.text;
  }
}

export function formatFieldError(e: FieldError): string {
  let body = TYPE_TEXT[e.type];
  if (e.type === 'Invalid') body += `: ${goValueText(e.value)}`;
  if (e.detail) body += `: ${e.detail}`;
  return `${e.field}: ${body}`;
}

export const invalid = (field: string, value: GoValue, detail: string): FieldError => ({ field, type: 'Invalid', value, detail });
export const required = (field: string, detail = ''): FieldError => ({ field, type: 'Required', value: { kind: 'none' }, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ field, type: 'Forbidden', value: { kind: 'none' }, detail });

export const int = (value: number): GoValue => ({ kind: 'int', value });
export const bool = (value: boolean): GoValue => ({ kind: 'bool', value });
export const str = (value: string): GoValue => ({ kind: 'string', value });
export const nullValue: GoValue = { kind: 'null' };
