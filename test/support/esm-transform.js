// Jest runs CommonJS; email-forward-parser is ESM-only and builds its own `require` from import.meta.url.
// In CommonJS `require` already exists (and swc's own require calls must not be shadowed): drop that line.
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({ jsc: { target: 'es2022' }, module: { type: 'commonjs' } });
const OWN_REQUIRE = /^const require = createRequire\(import\.meta\.url\);$/m;

module.exports = {
  process(source, path, options) {
    return swc.process(source.replace(OWN_REQUIRE, ''), path, options);
  },
  getCacheKey(source, path, options) {
    return `${swc.getCacheKey(source, path, options)}:own-require`;
  },
};
