/**
 * An Ant Design form rule that accepts what the rulebook's shared schema accepts (`valid` runs the
 * core zod schema) and otherwise says why, naming the field, in the user's language.
 */
export function schemaRule(valid: (v: unknown) => boolean, message: () => string) {
  return {
    validator: (_: unknown, v: unknown) => (valid(v) ? Promise.resolve() : Promise.reject(new Error(message()))),
  };
}
