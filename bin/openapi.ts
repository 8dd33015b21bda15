/** `npm run openapi`: writes the OpenAPI document to openapi.json (what the console's typed client is generated from). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../functions/api/openapi/document';

export const OPENAPI_FILE = join(__dirname, '..', 'openapi.json');

writeFileSync(OPENAPI_FILE, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${OPENAPI_FILE}`);
