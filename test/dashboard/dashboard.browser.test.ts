import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import t from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { demoMeterSpecs } from '../../ingest/simulate/demo-specs.js';
import { loadHistory } from '../../ingest/simulate/load-history.js';
import { AccountBundle } from '../../src/core/bundle/schema.js';
import { importBundle } from '../../src/db/bundle-store.js';
import { createApiKey } from '../../src/commands/keys.js';
import { backends, createTestDb } from '../helpers/db.js';
import { buildTestApp, fixtureBundle } from '../helpers/app.js';

/**
 * The dashboard in a real browser (Debian's chromium, driven by playwright-core): sign in with a rep's
 * key, choose the demo account, see its Section 4 page with the load-profile chart, download the CSV,
 * and no console error on the way. A screenshot goes to test-artifacts/dashboard.png.
 * .ci/run installs chromium; elsewhere the test is skipped when no browser is found (CHROMIUM_PATH).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

const skip = !existsSync(CHROMIUM) && process.env.CI !== 'true' ? `no browser at ${CHROMIUM} (set CHROMIUM_PATH; .ci/run installs Debian's chromium)` : false;
t.test('sign in, choose an account, see Section 4 with its charts, download the CSV', { skip }, async (t) => {
  const db = await createTestDb(backends()[0]!);
  t.teardown(() => db.close());
  const { app } = await buildTestApp(db);
  t.teardown(() => app.close());
  const bundle = await fixtureBundle();
  await importBundle(db, bundle, 'test');
  const now = Date.now();
  const specs = demoMeterSpecs(AccountBundle.parse(bundle)).filter((s) => s.commodity === 'electric');
  await loadHistory(db.pool, db.log, specs, now, 40 * 86_400_000);
  const rep = await createApiKey(db.pool, 'rep', ['acme-foods']);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(`${address}/`);
  t.equal(await page.title(), 'Keymeter');

  // A wrong key is refused and the page says so.
  await page.fill('#key', 'km_not-a-key-0123456789');
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#status.error');
  t.match(await page.textContent('#status'), /not accepted/);
  errors.length = 0; // the browser logs the 401 of that fetch as a console error

  await page.fill('#key', rep.key);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#workspace:not([hidden])');
  t.ok(await page.isHidden('#signin'), 'the sign-in form is gone once signed in');
  t.strictSame(await page.$$eval('#account option', (os) => os.map((o) => (o as unknown as { value: string }).value)), ['acme-foods'], 'a rep sees only their account');

  await page.click('#choose button[type=submit]');
  const frame = page.frameLocator('#profile');
  const chart = frame.locator('svg[aria-label^="Average weekday and weekend day"]');
  await chart.waitFor({ timeout: 30_000 });
  t.ok(await chart.locator('path, polyline').count() > 0, 'the load-profile chart has lines');
  t.match(await frame.locator('h1').first().textContent(), /Acme Foods/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  t.equal(download.suggestedFilename(), 'acme-foods-section4.csv');
  const path = await download.path();
  const { readFile } = await import('node:fs/promises');
  t.match(await readFile(path, 'utf8'), /^# /, 'the CSV opens with its first block');

  await page.fill('#period', '2026-Q1');
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('#pdf')]);
  t.equal(pdf.suggestedFilename(), 'acme-foods-energy-report-2026-Q1.pdf');
  t.equal((await readFile(await pdf.path())).subarray(0, 5).toString('latin1'), '%PDF-', 'a PDF');

  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL('dashboard.png', ARTIFACTS).pathname, fullPage: true });
  t.strictSame(errors, [], 'no console errors');
});
