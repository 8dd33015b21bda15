/**
 * A message's HTML, as the API sanitized it, in a sandboxed frame. The server's sanitizer (sanitize-html) is
 * what makes it safe; the frame is the second wall: no scripts may run there even if something slipped
 * through (no `allow-scripts`; a Content-Security-Policy of its own forbids scripts, forms and fetches), and
 * the message's inline styles cannot reach the console's layout. `allow-same-origin` (never with scripts) only
 * lets the console read the document's height to size the frame; links open in a new tab.
 */
import { SyntheticEvent, useCallback, useState } from 'react';

const POLICY = "default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'; font-src http: https: data:";

function frameDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${POLICY}"><base target="_blank"><style>body{margin:0;font:14px/1.5 system-ui,sans-serif;color:#212529;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style></head><body>${html}</body></html>`;
}

export function MessageHtml({ html, title }: { html: string; title: string }) {
  const [height, setHeight] = useState(80);
  const fit = useCallback((event: SyntheticEvent<HTMLIFrameElement>) => {
    const root = event.currentTarget.contentDocument?.documentElement;
    if (root) setHeight(Math.min(root.scrollHeight + 8, 2000));
  }, []);
  return (
    <iframe
      title={title}
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      srcDoc={frameDocument(html)}
      onLoad={fit}
      style={{ width: '100%', height, border: 0, display: 'block' }}
    />
  );
}
