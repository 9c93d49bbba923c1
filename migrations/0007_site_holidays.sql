-- Up Migration
-- A site's public-holiday calendar (bundle `sites[].holidays`, a Keymeter extension of CONTRACT.md): an
-- ISO 3166-1 country code, optionally with an ISO 3166-2 subdivision ("US", "US-NY"). Its public holidays
-- use the weekend schedules of the site's tariffs; null: no holidays (weekends only).
alter table sites add column holidays text check (holidays ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$');
