import { Writable } from 'node:stream';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

t.test('SMTP_URL and REPORT_FROM: validated together, never echoed, never logged', async (t) => {
  const secret = 'smtp://reports:pa55-that-must-not-leak@mail.example:587';
  t.equal(loadConfig({ SMTP_URL: secret, REPORT_FROM: 'Utility Reports <reports@utility.example>' }).SMTP_URL, secret);
  t.equal(loadConfig({}).SMTP_URL, undefined, 'unset: reports are stored, not sent');
  const missingFrom = (() => { try { loadConfig({ SMTP_URL: secret }); } catch (e) { return e; } })();
  t.ok(missingFrom instanceof ConfigError);
  t.match((missingFrom as ConfigError).issues, [{ variable: 'REPORT_FROM', message: /must be set when SMTP_URL is/ }]);
  const bad = (() => { try { loadConfig({ SMTP_URL: 'http://pa55-that-must-not-leak@x', REPORT_FROM: 'not an address' }); } catch (e) { return e as ConfigError; } })()!;
  t.strictSame(bad.issues.map((i) => i.variable).sort(), ['REPORT_FROM', 'SMTP_URL']);
  t.notMatch(bad.message, /pa55/, 'the value is never in the message');

  const lines: string[] = [];
  const log = createLogger('trace', new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } }));
  log.info({ SMTP_URL: secret, config: { SMTP_URL: secret }, mail: { smtpUrl: secret } }, 'config');
  log.flush();
  await new Promise((r) => setTimeout(r, 50));
  t.notMatch(lines.join(''), /pa55/, 'redacted in logs');
});
