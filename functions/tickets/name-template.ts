/**
 * Ticket name templates such as `{{subject}} ({{contact.email}})`. Checked when the template is saved, so a
 * typo is a 400 in the wizard rather than a literal `{{subjet}}` on every ticket.
 */
export const PLACEHOLDERS = ['subject', 'contact.name', 'contact.email', 'inbox.name'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Readonly<Record<Placeholder, string | undefined>>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Why the template cannot render, or undefined when it is fine. */
export function templateProblem(template: string): string | undefined {
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) return `has an unknown placeholder {{${name}}}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`;
  }
  if (/\{\{|\}\}/.test(template.replace(PLACEHOLDER, ''))) return 'has an unbalanced {{ or }}';
  return undefined;
}

/** Fills the placeholders; a missing value renders as an empty string, and the result is never empty. */
export function renderTemplate(template: string, values: TemplateValues, fallback: string): string {
  const rendered = template.replace(PLACEHOLDER, (_match, name: Placeholder) => values[name] ?? '').replace(/\s+/g, ' ').trim();
  return rendered || fallback;
}
