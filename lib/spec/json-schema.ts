/** The JSON Schema of a spec document (`model-serving schema`), for editors through yaml-language-server. */
import { DocumentSchema } from './schema/spec';

/** A plain JSON Schema object (draft 2020-12 keywords as TypeBox emits them). */
export function jsonSchema(): Record<string, unknown> {
  const schema = JSON.parse(JSON.stringify(DocumentSchema)) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema };
}
