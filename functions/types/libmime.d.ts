/** The part of libmime (mailparser's own MIME library) this project calls; it ships no types. */
declare module 'libmime' {
  const libmime: {
    /** RFC 2047 encoded-words for the non-ASCII runs of `value`, each word at most `maxLength` long. */
    encodeWords(value: string, mimeWordEncoding?: 'Q' | 'B', maxLength?: number): string;
    /** `value` as RFC 2047 encoded-words, whatever characters it holds. */
    encodeWord(value: string, mimeWordEncoding?: 'Q' | 'B', maxLength?: number): string;
  };
  export default libmime;
}
