/**
 * The report items that come from Section 4 analyses: the rate comparison, outages, power quality and the
 * forecast (CONTRACT.md "The Section 4 document"). While an analysis says `status: "not yet available"`
 * (or has no figures for the period) its item says "not available" with that reason and shows nothing
 * else; it never shows a zero in place of a missing figure.
 */
import { barChart } from '../section4/svg-charts.js';
import {
  comparison, emptyItem, fact, fmtNumber, fmtShare, fmtUsd, hasElectricData, isNum, isObj, NOT_AVAILABLE, numAt, objsAt, pendingStatus, strAt, unavailableItem,
  at, type Obj, type ReportItem, type ReportSources,
} from './model.js';

const count = (v: number | string): string => fmtNumber(v, 0);
const minutes = (v: number | string): string => fmtNumber(v, 1, 'min');

export function rateComparisonItem(s: ReportSources): ReportItem {
  const title = 'Rate comparison';
  const rc = at(s.current, 'rateComparison');
  const tariffs = objsAt(rc, 'tariffs').filter((t) => typeof t.id === 'string');
  const status = pendingStatus(s.current, 'rateComparison');
  // A status means no comparison for the period ("not yet available", "no tariffs", "no electric interval data").
  if (tariffs.length === 0 || status !== null) return unavailableItem('rate-comparison', title, status ?? 'no tariffs to compare for this account');
  if (!hasElectricData(s.current)) return unavailableItem('rate-comparison', title, 'no electric interval data in this period');
  const item = emptyItem('rate-comparison', title);
  const current = strAt(rc, 'current');
  const cheapest = strAt(rc, 'cheapest');
  const name = (id: string | null) => (id === null ? null : `${tariffs.find((t) => t.id === id)?.name ?? id}`);
  item.facts.push(
    fact('currentTariff', 'Current rate', name(current), String),
    fact('currentTariffUsd', 'Cost under the current rate', numAt(tariffs.find((t) => t.id === current), 'totalUsd'), (v) => fmtUsd(v)),
    fact('cheapestTariff', 'Cheapest rate for this load', name(cheapest), String),
    fact('savingsUsd', 'Savings with the cheapest rate', numAt(rc, 'savingsUsd'), (v) => fmtUsd(v)),
  );
  item.tables.push({
    caption: 'Each eligible rate for the period',
    columns: [{ label: 'Rate' }, { label: 'Name' }, { label: 'Total', numeric: true }],
    rows: tariffs.map((t) => [String(t.id), typeof t.name === 'string' ? t.name : NOT_AVAILABLE, fmtUsd(t.totalUsd)]),
  });
  const incomplete = Array.isArray(at(rc, 'incompleteMonths')) ? (at(rc, 'incompleteMonths') as unknown[]).filter((m): m is string => typeof m === 'string') : [];
  if (incomplete.length > 0) item.notes.push(`Months with incomplete interval data, billed from what is there: ${incomplete.join(', ')}.`);
  item.notes.push('Each rate is applied to the period\'s interval data month by month (energy, demand and fixed charges).');
  return item;
}

function yearRow(rows: Obj[], year: number): Obj | null {
  return rows.find((r) => r.year === year) ?? null;
}

/**
 * The outage row of the period, or null when it says nothing: interruptions are inferred from the interval
 * data (reporting gaps, voltages) and events, so a period without interval data and without any event
 * has zero counts that are no finding.
 */
function outageRow(doc: ReportSources['current'], year: number): Obj | null {
  const row = yearRow(objsAt(doc, 'outages', 'annual'), year);
  if (row === null || hasElectricData(doc)) return row;
  return (numAt(row, 'sustained') ?? 0) + (numAt(row, 'momentary') ?? 0) > 0 ? row : null;
}

export function outagesItem(s: ReportSources): ReportItem {
  const title = 'Outages';
  const status = pendingStatus(s.current, 'outages');
  const cur = outageRow(s.current, s.period.year);
  const system = objsAt(s.current, 'outages', 'system');
  const systemRows = [s.period.year, s.previous.year].map((y) => yearRow(system, y)).filter((r): r is Obj => r !== null);
  const item = cur === null
    ? unavailableItem('outages', title, status ?? (hasElectricData(s.current) ? 'no outage analysis for this period' : 'no electric interval data in this period'))
    : emptyItem('outages', title);
  if (cur !== null) {
    const prev = outageRow(s.lastYear, s.previous.year);
    item.comparisons.push(
      comparison('sustainedOutages', 'Sustained interruptions (over 5 min)', numAt(cur, 'sustained'), numAt(prev, 'sustained'), count),
      comparison('momentaryOutages', 'Momentary interruption events', numAt(cur, 'momentary'), numAt(prev, 'momentary'), count),
      comparison('outageMinutes', 'Minutes without supply', numAt(cur, 'minutes'), numAt(prev, 'minutes'), minutes),
    );
    item.facts.push(fact('longestOutageMinutes', 'Longest interruption', numAt(cur, 'longestMinutes'), minutes));
    item.notes.push('IEEE 1366: an interruption longer than 5 minutes is sustained; momentary interruptions within 5 minutes of each other are one event.');
  }
  if (systemRows.length > 0) {
    // The utility's system indices come from the account bundle, so they show even while the account's own analysis is pending.
    item.tables.push({
      caption: 'System reliability indices (IEEE 1366), for comparison',
      columns: [{ label: 'Year' }, { label: 'SAIFI', numeric: true }, { label: 'SAIDI (min)', numeric: true }, { label: 'CAIDI (min)', numeric: true }, { label: 'MAIFI', numeric: true }],
      rows: systemRows.map((r) => [String(r.year), fmtNumber(r.saifi, 2), fmtNumber(r.saidi, 1), fmtNumber(r.caidi, 1), fmtNumber(r.maifi, 2)]),
    });
  }
  return item;
}

export function powerQualityItem(s: ReportSources): ReportItem {
  const title = 'Power quality';
  const pq = at(s.current, 'powerQuality');
  const parts = ['voltage', 'events', 'harmonics'] as const;
  const has = (k: (typeof parts)[number]) => isObj(at(pq, k)) && pendingStatus(s.current, 'powerQuality', k) === null;
  // A voltage summary without a Range A share saw no voltage samples; the event counts come from the same
  // voltages, so they are no finding either. THD counts only with a measured maximum.
  const voltageSeen = has('voltage') && numAt(pq, 'voltage', 'ansiRangeA', 'withinShare') !== null;
  const measured = parts.filter((k) => (k === 'harmonics' ? has(k) && numAt(pq, 'harmonics', 'maxThdPct') !== null : voltageSeen && has(k)));
  const item = measured.length === 0
    ? unavailableItem('power-quality', title, (has('voltage') ? null : pendingStatus(s.current, 'powerQuality', 'voltage')) ?? 'no voltage or harmonic data in this period')
    : emptyItem('power-quality', title);
  if (measured.includes('voltage')) {
    const v = at(pq, 'voltage');
    const weeks = numAt(v, 'en50160', 'weeks');
    const ok = numAt(v, 'en50160', 'compliantWeeks');
    item.facts.push(
      fact('nominalV', 'Nominal voltage', numAt(v, 'nominalV'), (x) => fmtNumber(x, 1, 'V')),
      fact('ansiWithinShare', 'Voltage within ANSI C84.1 Range A (+/-5%)', numAt(v, 'ansiRangeA', 'withinShare'), (x) => fmtShare(x)),
      fact('en50160Weeks', 'Weeks meeting EN 50160 (95% of 10-min means within +/-10%)', weeks === null || ok === null ? null : `${fmtNumber(ok, 0)} of ${fmtNumber(weeks, 0)}`, String),
    );
  }
  if (measured.includes('events')) {
    const e = at(pq, 'events');
    const kinds = [['sag', 'Sags'], ['swell', 'Swells'], ['interruption', 'Interruptions'], ['undervoltage', 'Undervoltages'], ['overvoltage', 'Overvoltages']] as const;
    for (const [k, label] of kinds) item.facts.push(fact(`pq_${k}`, `${label} (IEEE 1159)`, numAt(e, k), count));
  }
  if (measured.includes('harmonics')) {
    const h = at(pq, 'harmonics');
    const compliant = at(h, 'compliant');
    item.facts.push(
      fact('maxThdPct', 'Highest voltage THD', numAt(h, 'maxThdPct'), (x) => `${fmtNumber(x, 2)}%`),
      fact('thdLimitPct', 'IEEE 519 limit', numAt(h, 'limitPct'), (x) => `${fmtNumber(x, 2)}%`),
      fact('thdCompliant', 'Within the limit', typeof compliant === 'boolean' ? (compliant ? 'yes' : 'no') : null, String),
    );
  }
  for (const k of parts) {
    const st = pendingStatus(s.current, 'powerQuality', k);
    if (!measured.includes(k) && measured.length > 0) item.notes.push(`${k.charAt(0).toUpperCase()}${k.slice(1)}: ${st ?? 'no data in this period'}.`);
  }
  const requirements = Array.isArray(at(pq, 'requirements')) ? (at(pq, 'requirements') as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  const equipment = objsAt(pq, 'equipment');
  if (requirements.length > 0) item.notes.push(`Your power-quality requirements on record: ${requirements.join('; ')}.`);
  if (equipment.length > 0) {
    item.tables.push({
      caption: 'Mitigation equipment on record',
      columns: [{ label: 'Equipment' }, { label: 'kVA', numeric: true }, { label: 'Serves' }],
      rows: equipment.map((e) => [typeof e.kind === 'string' ? e.kind : NOT_AVAILABLE, fmtNumber(e.kva, 0), typeof e.serves === 'string' ? e.serves : NOT_AVAILABLE]),
    });
  }
  return item;
}

export function forecastItem(s: ReportSources): ReportItem {
  const title = 'Forecast';
  const f = at(s.current, 'forecast');
  const monthly = objsAt(f, 'monthly').filter((m) => typeof m.month === 'string');
  const status = pendingStatus(s.current, 'forecast');
  if (monthly.length === 0) return unavailableItem('forecast', title, status ?? 'not enough history for a forecast');
  const item = emptyItem('forecast', title);
  const total = monthly.every((m) => isNum(m.kwh)) ? monthly.reduce((sum, m) => sum + (m.kwh as number), 0) : null;
  const peak = monthly.some((m) => isNum(m.peakKw)) ? Math.max(...monthly.filter((m) => isNum(m.peakKw)).map((m) => m.peakKw as number)) : null;
  item.facts.push(
    fact('forecastKwh', `Energy, next ${monthly.length} months`, total, (v) => fmtNumber(v, 0, 'kWh')),
    fact('forecastPeakKw', `Peak demand, next ${monthly.length} months`, peak, (v) => fmtNumber(v, 1, 'kW')),
  );
  const backtest = at(f, 'backtest');
  if (isObj(backtest)) {
    item.facts.push(
      fact('cvrmse', 'Backtest CV(RMSE) (ASHRAE Guideline 14)', numAt(backtest, 'cvrmse'), (v) => fmtShare(v)),
      fact('nmbe', 'Backtest NMBE', numAt(backtest, 'nmbe'), (v) => fmtShare(v)),
      fact('baselineCvrmse', 'CV(RMSE) of the naive baseline (same hour last week)', numAt(backtest, 'baseline', 'cvrmse'), (v) => fmtShare(v)),
    );
  }
  item.charts.push({ title: 'Forecast monthly energy', svg: barChart(monthly.map((m) => ({ label: String(m.month), value: isNum(m.kwh) ? m.kwh : null })), {
    title: 'Forecast monthly energy', yLabel: 'Energy (kWh)', xLabel: 'Month', unit: 'kWh',
  }) });
  item.tables.push({
    caption: 'Per month',
    columns: [{ label: 'Month' }, { label: 'Energy (kWh)', numeric: true }, { label: 'Peak demand (kW)', numeric: true }],
    rows: monthly.map((m) => [String(m.month), fmtNumber(m.kwh, 0), fmtNumber(m.peakKw, 1)]),
  });
  if (status) item.notes.push(`Forecast: ${status}.`);
  item.notes.push(`Made from the metered data up to the end of ${s.period.label}.`);
  return item;
}
