import t from 'tap';
import { loadHistory } from '../../ingest/simulate/load-history.js';
import { demoMeterSpecs } from '../../ingest/simulate/demo-specs.js';
import { importBundle } from '../../src/db/bundle-store.js';
import { buildSection4 } from '../../src/section4/build.js';
import { buildRateComparison } from '../../src/section4/rate-comparison.js';
import { eachBackend } from '../helpers/db.js';
import { fixtureBundle } from '../helpers/app.js';

/**
 * The demo hospital's six 2025 bills (fixtures/accounts/st-marys-hospital.json) follow `sched-lgs` applied
 * to the demo simulator's data: loaded through the same simulator, each bill is reconstructed from the
 * interval data within 0.4 % (a bill's kWh and peak are rounded to whole units; February and April have
 * outage gaps, billed as the bills were, on the data present).
 */
t.test('the demo hospital bills reconstruct within 0.4% of billed under its current tariff', async (t) => {
  eachBackend(t, async (t, db) => {
    const { bundle } = await importBundle(db, await fixtureBundle('st-marys-hospital'), 'test');
    const specs = demoMeterSpecs(bundle)
      .filter((s) => s.commodity === 'electric')
      .map((s) => ({ ...s, channels: s.channels.filter((c) => c.kind === 'kwh_del') }));
    const end = Date.UTC(2025, 6, 2);
    await loadHistory(db.pool, db.log, specs, end, end - Date.UTC(2024, 11, 30));

    const doc = await buildRateComparison(db.pool, 'st-marys-hospital', { from: '2025-01-01', to: '2025-06-30' }, end);
    const site = doc.sites[0]!;
    t.equal(site.current, 'sched-lgs');
    t.strictSame(site.tariffs.map((x) => x.id), ['sched-lgs', 'sched-lgs-tou']);
    const rec = site.billReconstruction!;
    t.match(rec, { tariffId: 'sched-lgs', billsCompared: 6, withinTolerance: 6, summary: '6 of 6 bills computed within 0.4% of billed' });
    for (const b of rec.bills) {
      t.ok(Math.abs(b.differencePct!) <= 0.4, `${b.billId}: computed ${b.computedUsd} vs billed ${b.billedUsd} (${b.differencePct}%)`);
      t.ok(Math.abs(b.computed.kwh! - b.billedKwh!) < 1 && Math.abs(b.computed.peakKw! - b.billedPeakKw!) < 1, `${b.billId}: the bill's kWh and peak are the data's, rounded`);
    }
    t.ok(rec.maxAbsDifferencePct! < 0.01, `worst ${rec.maxAbsDifferencePct}%`);
    // The bill periods are calendar months here, so each reconstructed bill is the comparison's month.
    for (const b of rec.bills) t.strictSame(b.computed, site.tariffs[0]!.monthly.find((m) => m.month === b.periodStart.slice(0, 7)));

    const s4 = await buildSection4(db.pool, 'st-marys-hospital', { from: '2025-01-01', to: '2025-06-30' }, end);
    t.match(s4.rateComparison, { siteId: 'smh-main', current: 'sched-lgs', billReconstruction: { summary: '6 of 6 bills computed within 0.4% of billed' } });
  });
});
