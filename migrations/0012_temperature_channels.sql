-- Up Migration
-- Channel kind `temp`: outdoor air temperature at the site, °C, interval average (src/core/channels.ts);
-- the forecast uses it for its change-point temperature terms (src/forecasts/compute.ts).
alter table channels drop constraint channels_kind_check;
alter table channels add constraint channels_kind_check check (kind in (
  'kwh_del', 'kwh_rec', 'kvarh_del', 'kvarh_rec', 'kw', 'kvar', 'v_a', 'v_b', 'v_c',
  'i_a', 'i_b', 'i_c', 'pf', 'hz', 'thd_v_a', 'thd_v_b', 'thd_v_c', 'temp', 'gas', 'water'));
