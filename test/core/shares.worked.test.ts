import t from 'tap';
import { energyCostShare } from '../../src/core/cost-share.js';
import { systemShare } from '../../src/core/system-share.js';

t.test('energy cost share per year', async (t) => {
  const bills = [
    { id: 'b-2024-01', periodStart: '2024-01-01', amountUsd: 60000 },
    // Period starts in December 2024 and ends in January 2025: a 2024 bill (CONTRACT).
    { id: 'b-2024-12', periodStart: '2024-12-01', periodEnd: '2025-01-03', amountUsd: 40000 },
    { id: 'b-2025-01', periodStart: '2025-01-01', amountUsd: 98123.45 },
    { id: 'b-2026-01', periodStart: '2026-01-01', amountUsd: 10 },
  ];
  const facilityCosts = [
    { year: 2025, totalUsd: 12500000 },
    { year: 2023, totalUsd: 5000000 },
    { year: 2024, totalUsd: 1000000 },
    { year: 2026, totalUsd: 0 },
  ];
  t.strictSame(energyCostShare(bills, facilityCosts), {
    annual: [
      { year: 2023, energyCostUsd: null, facilityCostUsd: 5000000, share: null }, // no bills
      { year: 2024, energyCostUsd: 100000, facilityCostUsd: 1000000, share: 0.1 }, // 60,000 + 40,000 = 100,000 / 1,000,000
      { year: 2025, energyCostUsd: 98123.45, facilityCostUsd: 12500000, share: 0.007849876 }, // 98,123.45 / 12,500,000
      { year: 2026, energyCostUsd: 10, facilityCostUsd: 0, share: null }, // a zero facility cost gives no share
    ],
  });
  t.strictSame(energyCostShare([], []), { annual: [] });
  t.strictSame(energyCostShare(bills.slice(2, 3), []), { annual: [{ year: 2025, energyCostUsd: 98123.45, facilityCostUsd: null, share: null }] });
});

t.test('system share per month and per year over the months where both exist', async (t) => {
  const account = [
    { month: '2025-02', kwh: 300, completeness: 1 },
    { month: '2024-11', kwh: 100, completeness: 1 },
    { month: '2024-12', kwh: 200, completeness: 0.9 },
    { month: '2025-01', kwh: null, completeness: 0 },
  ];
  const system = [
    { month: '2024-11', kwh: 10000 },
    { month: '2024-12', kwh: 10000 },
    { month: '2025-01', kwh: 20000 },
    { month: '2025-02', kwh: 20000 },
    { month: '2025-03', kwh: 5000 },
  ];
  t.strictSame(systemShare(account, system), {
    monthly: [
      { month: '2024-11', accountKwh: 100, systemKwh: 10000, share: 0.01, completeness: 1 }, // 100 / 10,000
      { month: '2024-12', accountKwh: 200, systemKwh: 10000, share: 0.02, completeness: 0.9 }, // 200 / 10,000
      { month: '2025-01', accountKwh: null, systemKwh: 20000, share: null, completeness: 0 },
      { month: '2025-02', accountKwh: 300, systemKwh: 20000, share: 0.015, completeness: 1 }, // 300 / 20,000
      { month: '2025-03', accountKwh: null, systemKwh: 5000, share: null, completeness: null }, // no account row
    ],
    annual: [
      // (100 + 200) / (10,000 + 10,000) = 300 / 20,000
      { year: 2024, accountKwh: 300, systemKwh: 20000, share: 0.015, months: 2 },
      // only February has both: 300 / 20,000 (January's and March's system kWh are left out)
      { year: 2025, accountKwh: 300, systemKwh: 20000, share: 0.015, months: 1 },
    ],
  });
});

t.test('a year without a month where both exist has null sums and share', async (t) => {
  t.strictSame(systemShare([{ month: '2023-05', kwh: 5, completeness: 1 }], []), {
    monthly: [{ month: '2023-05', accountKwh: 5, systemKwh: null, share: null, completeness: 1 }],
    annual: [{ year: 2023, accountKwh: null, systemKwh: null, share: null, months: 0 }],
  });
});
