/** Whether `value` is a plain object (not null, not an array): the shape of JSON and YAML mappings. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
