/**
 * The simulated meters of a demo account bundle: peak, load profile, voltage, zone and outage sharing
 * derived from the bundle's sites, equipment and segment.
 */
import type { AccountBundle } from '../../src/core/bundle/schema.js';
import { DEFAULT_NOMINAL_VOLTAGE_V } from './channel-values.js';
import type { LoadProfile, MeterSpec } from './profile.js';

/** A simulated meter of a demo account, with where it sits and how it reports. */
export interface DemoMeterSpec extends MeterSpec {
  accountId: string;
  siteId: string;
  protocol: 'mqtt' | 'modbus' | 'file' | undefined;
}

/** Site peak when the bundle lists no rated equipment, kW. */
export const DEFAULT_PEAK_KW = 1500;
/** Coincident peak over connected load: the sum of equipment ratings × this (the brief's rule of thumb). */
const PEAK_PER_RATED_KW = 1.6;
/** A site's further electric meters are treated as submeters of this share of the site peak. */
const SUBMETER_SHARE = 0.3;
/** Equipment that supplies power rather than drawing it; its rating is not load. */
const SOURCE_EQUIPMENT = /generator|genset|\bups\b|\bats\b|transfer switch|\bpv\b|solar|battery|storage/i;
const MEDICAL_EQUIPMENT = /\bmri\b|\bct\b|imaging|x-ray|hospital|surgical/i;

function profileFor(segment: string | undefined, equipmentText: string): LoadProfile {
  const s = (segment ?? '').toLowerCase();
  if (/hospital|health|medical|clinic/.test(s) || MEDICAL_EQUIPMENT.test(equipmentText)) return 'hospital';
  if (/industr|manufactur|plant|process|mining/.test(s)) return 'industrial';
  if (/office/.test(s)) return 'office';
  if (s.length > 0) return 'commercial';
  return 'industrial';
}

/**
 * The simulated meters of an account bundle: every meter with channels, with peakKw from the site's load
 * equipment (Σ ratedKw × 1.6, DEFAULT_PEAK_KW without ratings; the site's first electric meter carries
 * it, further electric meters 30 %), the profile from the account's segment (medical equipment makes a
 * hospital), nominal voltage and time zone from the site. A site's electric meters share outages.
 */
export function demoMeterSpecs(bundle: AccountBundle): DemoMeterSpec[] {
  const out: DemoMeterSpec[] = [];
  for (const site of bundle.sites) {
    const loads = site.equipment.filter((e) => !SOURCE_EQUIPMENT.test(`${e.kind ?? ''} ${e.id}`));
    const ratedKw = loads.reduce((sum, e) => sum + (e.ratedKw ?? 0), 0);
    const sitePeakKw = ratedKw > 0 ? Math.round(ratedKw * PEAK_PER_RATED_KW) : DEFAULT_PEAK_KW;
    const profile = profileFor(bundle.segment, site.equipment.map((e) => `${e.kind ?? ''} ${e.description ?? ''}`).join(' | '));
    let electricSeen = 0;
    for (const m of site.meters) {
      if (m.channels.length === 0) continue;
      const share = m.commodity === 'electric' && electricSeen++ > 0 ? SUBMETER_SHARE : 1;
      out.push({
        accountId: bundle.id,
        siteId: site.id,
        protocol: m.protocol,
        meterId: m.id,
        commodity: m.commodity,
        channels: m.channels.map((c) => ({ kind: c.kind, intervalMinutes: c.intervalMinutes, unit: c.unit })),
        timezone: site.timezone,
        nominalVoltageV: site.nominalVoltage ?? DEFAULT_NOMINAL_VOLTAGE_V,
        peakKw: Math.round(sitePeakKw * share),
        profile,
        outageKey: m.commodity === 'electric' ? `site:${site.id}` : m.id,
      });
    }
  }
  return out;
}
