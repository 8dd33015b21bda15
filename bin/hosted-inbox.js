#!/usr/bin/env node
// Entry for `npx hosted-inbox`: runs the TypeScript CLI through tsx, as `npm start` does.
require('tsx/cjs');
require('./cli.ts');
