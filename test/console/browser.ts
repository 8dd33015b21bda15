/**
 * Debian's Chromium, driven headless by playwright-core (no browser download), and axe-core injected into
 * every page the console tests visit: a serious or critical violation fails the test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';

/** The system Chromium (or exactly CHROMIUM_PATH when set); a clear failure, never a skip, when it is missing. */
export function chromiumPath(): string {
  const wanted = process.env.CHROMIUM_PATH;
  for (const candidate of wanted ? [wanted] : ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', candidate], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not this one
    }
  }
  throw new Error(`The console tests need Chromium${wanted ? ` at CHROMIUM_PATH=${wanted}` : ''}: install it with  apt-get install -y chromium  (.ci/run does).`);
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/** Runs in the page (a string: this project's type check has no DOM types). */
const RUN_AXE = `axe.run(document, { resultTypes: ['violations'] }).then(({ violations }) => violations
  .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
  .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => String(node.target)) })))`;

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(RUN_AXE) as Promise<AxeViolation[]>;
}

/** Runs axe on the page and fails naming every serious or critical violation; returns what was audited. */
export async function expectAccessible(page: Page, name: string, audited: string[]): Promise<void> {
  const violations = await seriousViolations(page);
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
  audited.push(name);
}

const RECORD_CSP_VIOLATIONS = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));`;

/**
 * A fresh tab (its own cookies and storage) whose console pages under `consoleUrl` are served with `csp` (what
 * CloudFront sends in AWS); each page records its CSP violations (read with `cspViolations`) and has axe-core.
 */
export async function tabWithCsp(browser: Browser, consoleUrl: string, csp: string): Promise<Page> {
  // Chromium asks before a page calls another loopback origin (the local identity provider); in AWS it is a public host.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', permissions: ['local-network-access'] });
  page.setDefaultTimeout(10_000);
  await page.route(`${consoleUrl}**`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  // Init scripts are not inline scripts: the CSP lets them run (axe-core, and the violations listener).
  await page.addInitScript({ content: AXE_SOURCE });
  await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });
  return page;
}

export const cspViolations = (page: Page) => page.evaluate('window.cspViolations') as Promise<string[]>;
