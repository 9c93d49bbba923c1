import t from 'tap';
import { decodeDstRule, dstRuleLocalMs, encodeDstRule, hex8, localTimeMismatch, localTimeParametersFor } from '../../src/core/espi/local-time-parameters.js';

const local = (rule: number, year: number): string => new Date(dstRuleLocalMs(decodeDstRule(rule)!, year)).toISOString().slice(0, 16);

t.test('DstRuleType: the schema worked example and the Green Button samples', async (t) => {
  // ESPI DstRuleType annotation: "third Friday in March at 1:45 AM" = seconds 2700, hours 1, day of week 5, operator 4, month 3.
  const friday = encodeDstRule({ month: 3, operator: 4, dayOfMonth: 0, dayOfWeek: 5, hour: 1, seconds: 2700 });
  t.equal(hex8(friday), '380A1A8C');
  t.strictSame(decodeDstRule(0x380a1a8c), { seconds: 2700, hour: 1, dayOfWeek: 5, dayOfMonth: 0, operator: 4, month: 3 });
  t.equal(local(friday, 2025), '2025-03-21T01:45', 'the third Friday of March 2025 is the 21st');
  // The samples' North American rules: second Sunday of March and first Sunday of November, 02:00.
  t.equal(local(0x360e2000, 2011), '2011-03-13T02:00');
  t.equal(local(0xb40e2000, 2011), '2011-11-06T02:00');
  t.equal(local(0x360e2000, 2025), '2025-03-09T02:00');
  t.equal(local(0xb40e2000, 2025), '2025-11-02T02:00');
  t.equal(decodeDstRule(0xffffffff), null, '0xFFFFFFFF disables DST');
  // Operators 0 (day of month) and 1 (day of week on or after the day of month): 2025-04-06 is a Sunday.
  t.equal(local(encodeDstRule({ month: 4, operator: 0, dayOfMonth: 17, dayOfWeek: 0, hour: 3, seconds: 0 }), 2025), '2025-04-17T03:00');
  t.equal(local(encodeDstRule({ month: 4, operator: 1, dayOfMonth: 2, dayOfWeek: 7, hour: 3, seconds: 0 }), 2025), '2025-04-06T03:00');
  t.equal(local(encodeDstRule({ month: 4, operator: 1, dayOfMonth: 6, dayOfWeek: 7, hour: 3, seconds: 0 }), 2025), '2025-04-06T03:00');
  t.throws(() => decodeDstRule(0x0e0e2000), RangeError, 'month 0');
});

t.test('LocalTimeParameters of an IANA zone (tzdb rules in force in 2025)', async (t) => {
  const at = Date.UTC(2025, 5, 1);
  const show = (z: string) => {
    const p = localTimeParametersFor(z, at);
    return [p.tzOffsetS, p.dstOffsetS, hex8(p.dstStartRule), hex8(p.dstEndRule)];
  };
  t.strictSame(show('America/Chicago'), [-21600, 3600, '360E2000', 'B40E2000'], 'second Sunday of March 02:00 CST, first Sunday of November 02:00 CDT');
  t.strictSame(show('America/Los_Angeles'), [-28800, 3600, '360E2000', 'B40E2000']);
  // EU: last Sunday of March at 01:00 UTC (02:00 CET), last Sunday of October at 01:00 UTC (03:00 CEST).
  t.strictSame(show('Europe/Paris'), [3600, 3600, '3E0E2000', 'AE0E3000']);
  // Sydney: DST ends the first Sunday of April at 03:00 AEDT and starts the first Sunday of October at 02:00 AEST.
  t.strictSame(show('Australia/Sydney'), [36000, 3600, 'A40E2000', '440E3000']);
  t.strictSame(show('Asia/Kolkata'), [19800, 0, 'FFFFFFFF', 'FFFFFFFF']);
  t.strictSame(show('America/Phoenix'), [-25200, 0, 'FFFFFFFF', 'FFFFFFFF']);
});

t.test('a file whose local time differs from the site zone gets a sentence', async (t) => {
  const pacific = { tzOffsetS: -28800, dstOffsetS: 3600, dstStartRule: 0x360e2000, dstEndRule: 0xb40e2000 };
  t.equal(localTimeMismatch(pacific, 'America/Los_Angeles', Date.UTC(2011, 0, 1)), undefined);
  t.equal(localTimeMismatch(pacific, 'America/Chicago', Date.UTC(2011, 0, 1)),
    "the file's LocalTimeParameters (UTC-08:00, DST +60 min from 2011-03-13 02:00 to 2011-11-06 02:00) differ from the site's zone America/Chicago (UTC-06:00, DST +60 min from 2011-03-13 02:00 to 2011-11-06 02:00) in 2011");
  // Before 2007 the US rules were the first Sunday of April and the last Sunday of October.
  t.match(localTimeMismatch(pacific, 'America/Los_Angeles', Date.UTC(2006, 0, 1)), /from 2006-03-12 02:00 to 2006-11-05 02:00\) differ .* from 2006-04-02 02:00 to 2006-10-29 02:00\)/);
});
