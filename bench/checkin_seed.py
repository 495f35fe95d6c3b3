"""Seed the database of ``bench.checkin_peak``: two tenants made by ``tenant_create``
and ``bench.cluster_people.people_seed`` (generated organisation, accounts, API
tokens, one office per OPD).

- the *board* tenant (Keerom, 91.11): ``--people`` people (5,000) and a month of
  attendance history (every working day of the last 31 days and today's morning:
  most on time, some late, some leaving early, a few without any record), for the
  board and the recap;
- the *peak* tenant (91.03): ``--peak-people`` people, each checks in once during
  the morning peak (the load test takes each person in turn: with more check-ins
  than people a person's second tap inside the duplicate window is answered with
  the first record, which the runner reports).

Run as ``python -m bench.checkin_seed`` with the benchmark's environment; prints one
JSON line (tenant ids, people's tokens and offices, the board's unit).
"""

from __future__ import annotations

import argparse
import json
import os

import django

PASSWORD = "x-Pass-12345"

#: A month of history in one statement: for every generated person of the tenant
#: and every weekday of the span, an "in" record (06:55-08:15 local) and an "out"
#: (15:30-17:00), except ~4 % of days without any record and ~3 % without a
#: check-out; today's records stop at the check-in.
HISTORY = """
INSERT INTO attendance_checkin (tenant_id, person_id, direction, at, day,
    recorded_at, latitude, longitude, accuracy_m, source, location_id, distance_m,
    flags, review, review_reason, client_key)
SELECT %(tenant)s, p.id, d.direction, d.at, d.day, d.at, %(lat)s, %(lon)s, 12.0,
       'web', NULL, 20, '[]'::jsonb, '', '', ''
FROM org_person p
JOIN accounts_user u ON u.person_id = p.id
CROSS JOIN LATERAL (
    SELECT g::date AS day, abs(hashtext(p.id::text || g::text)) %% 100 AS r
    FROM generate_series(%(first)s::date, %(today)s::date, interval '1 day') g
    WHERE extract(isodow FROM g) < 6
) s
CROSS JOIN LATERAL (
    SELECT 'in' AS direction,
           (s.day + time '06:55' + (s.r * interval '48 seconds')) AT TIME ZONE %(tz)s AS at,
           s.day
    UNION ALL
    SELECT 'out',
           (s.day + time '15:30' + (s.r * interval '54 seconds')) AT TIME ZONE %(tz)s,
           s.day
    WHERE s.day < %(today)s::date AND s.r >= 3
) d
WHERE p.tenant_id = %(tenant)s AND s.r >= 4
"""


def seed(*, people: int, peak_people: int) -> dict[str, object]:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from bench.cluster_people import people_seed
    from warkat.org.models import Unit
    from warkat.tenancy.clock import tenant_zone
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    out: dict[str, object] = {}
    for key, code, count in (
        ("board", "91.11", people),
        ("peak", "91.03", peak_people),
    ):
        tenant = tenant_create(region_code=code, actor=None, build_regions=False)
        with tenant_scope(tenant):
            staff = people_seed(
                tenant=tenant, people=count, password=PASSWORD, head=None
            )
            root = Unit.objects.get(kind="pemda", parent=None)
            out[key] = {"tenant": tenant.pk, "root": root.pk, "people": staff}
            if key == "board":
                zone = tenant_zone(tenant)
                today = timezone.localdate(timezone=zone)
                with connection.cursor() as cursor:
                    cursor.execute(
                        HISTORY,
                        {"tenant": tenant.pk, "lat": staff[0]["lat"],
                         "lon": staff[0]["lon"], "tz": str(zone),
                         "first": today - dt.timedelta(days=31), "today": today},
                    )  # fmt: skip
                    cursor.execute("ANALYZE attendance_checkin")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--peak-people", type=int, default=30000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    django.setup()
    print(json.dumps(seed(people=args.people, peak_people=args.peak_people)))


if __name__ == "__main__":
    main()
