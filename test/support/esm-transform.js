// Jest runs CommonJS; email-forward-parser is ESM-only and calls createRequire(import.meta.url).
// Compile it with swc like our own code, after giving `import.meta.url` its CommonJS equivalent.
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({ jsc: { target: 'es2022' }, module: { type: 'commonjs' } });

module.exports = {
  process(source, path, options) {
    const patched = source.replace(/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href");
    return swc.process(patched, path, options);
  },
  getCacheKey(source, path, options) {
    return swc.getCacheKey(source, path, options) + ':import-meta-url';
  },
};
