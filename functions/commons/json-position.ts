/**
 * Where a JSON text stops being JSON: the character offset of the first syntax error, found in one linear
 * pass with an explicit stack (no recursion a deep body could overflow). Errors name this position and
 * never quote the text, which may hold a password.
 */
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

/** The offset of the first syntax error in `text`, or undefined when it is valid JSON. */
export function jsonErrorPosition(text: string): number | undefined {
  let at = 0;
  const skip = () => {
    while (at < text.length && WHITESPACE.has(text[at])) at++;
  };
  const match = (pattern: RegExp) => {
    pattern.lastIndex = at;
    if (!pattern.test(text)) return false;
    at = pattern.lastIndex;
    return true;
  };
  // What may come next: a value, or (inside a container) a separator or its end.
  const stack: Array<'[' | '{'> = [];
  let expectValue = true;
  for (;;) {
    skip();
    if (expectValue) {
      const char = text[at];
      if (char === '{' || char === '[') {
        stack.push(char);
        at++;
        skip();
        if (text[at] === (char === '{' ? '}' : ']')) {
          stack.pop();
          at++;
          expectValue = false;
          if (!stack.length) break;
          continue;
        }
        if (char === '{' && !key()) return at;
        continue;
      }
      if (!(match(STRING) || match(NUMBER) || match(LITERAL))) return at;
      expectValue = false;
      if (!stack.length) break;
      continue;
    }
    const open = stack[stack.length - 1];
    const char = text[at];
    if (char === ',') {
      at++;
      if (open === '{') {
        skip();
        if (!key()) return at;
      } else {
        expectValue = true;
      }
      continue;
    }
    if (char === (open === '{' ? '}' : ']')) {
      stack.pop();
      at++;
      if (!stack.length) break;
      continue;
    }
    return at;
  }
  skip();
  return at < text.length ? at : undefined;

  /** `"key" :` then a value is expected. */
  function key(): boolean {
    if (!match(STRING)) return false;
    skip();
    if (text[at] !== ':') return false;
    at++;
    expectValue = true;
    return true;
  }
}
