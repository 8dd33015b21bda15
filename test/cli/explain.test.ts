/** The `explain` contract, through the real command line (`npx hosted-inbox explain`). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [join(__dirname, '../../bin/hosted-inbox.js'), ...args], { env: { ...process.env, NODE_NO_WARNINGS: '1' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
const fixture = (name: string) => join(__dirname, '../fixtures/inbound', name);

describe('hosted-inbox explain', () => {
  it('prints one JSON object naming the original sender when the forwarder is trusted', async () => {
    const { code, stdout } = await run('explain', fixture('gmail-inline-en.eml'), '--trusted', 'agent@acme.com');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      classification: 'message',
      contact: { email: 'jane.doe@example.com', name: 'Jane Doe' },
      attribution: { rule: 'inline-forward', evidence: expect.stringContaining('jane.doe@example.com') },
      forwardedBy: 'agent@acme.com',
    });
  });

  it('prints the new text of a stored message (without quoted history and signature)', async () => {
    const { stdout } = await run('explain', fixture('direct-plain.eml'));
    expect(JSON.parse(stdout).message.newText).toBe('Hi,\n\nOrder 10442 was supposed to arrive yesterday. Any update?\n\nNina');
  });

  it('trusts nobody unless told: the forwarder stays the contact', async () => {
    const { stdout } = await run('explain', fixture('gmail-inline-en.eml'));
    expect(JSON.parse(stdout)).toMatchObject({ contact: { email: 'agent@acme.com' }, attribution: { rule: 'untrusted-forwarder' }, forwardedBy: null });
  });

  it('classifies quarantined mail with its reason', async () => {
    const { stdout } = await run('explain', fixture('bounce-dsn-postfix.eml'));
    expect(JSON.parse(stdout)).toMatchObject({ classification: 'bounce', contact: null, attribution: null });
  });

  it('fails clearly on an unreadable file', async () => {
    const { code, stdout, stderr } = await run('explain', '/nonexistent/message.eml');
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('cannot read /nonexistent/message.eml');
  });

  it('explains usage when called wrongly', async () => {
    const { code, stderr } = await run('explain');
    expect(code).toBe(2);
    expect(stderr).toContain('usage: hosted-inbox explain');
  });
});
