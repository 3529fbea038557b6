"""Host response rate and response time, from the reply windows of the last 30 days.

A window is opened by a guest's inquiry ("Contact host") or booking request and
closed by the host's first reply (a message, or accepting / declining the
request). Counted once decided: answered, or 24 hours passed without an answer.

* response rate: windows answered within 24 hours / windows counted;
* response time: the average minutes to the first reply, over answered windows.

Written to ``User.response_rate`` / ``response_time_minutes`` (shown on listing
pages, used by search ranking and the Superhost evaluation) in one UPDATE.
Hosts with nothing counted in the period keep their previous figures.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

REPLY_DEADLINE = dt.timedelta(hours=24)

STATS_SQL = """
WITH windows AS (
    SELECT host_id, opened_at, replied_at
      FROM messaging_replywindow
     WHERE opened_at >= %(since)s
       AND (replied_at IS NOT NULL OR opened_at <= %(decided_before)s)
), stats AS (
    SELECT host_id,
           round(count(*) FILTER (WHERE replied_at <= opened_at + interval '24 hours')::numeric / count(*), 3)
               AS rate,
           round(avg(extract(epoch FROM replied_at - opened_at) / 60))::integer AS minutes
      FROM windows
     GROUP BY host_id
)
UPDATE accounts_user AS u
   SET response_rate = s.rate, response_time_minutes = s.minutes
  FROM stats AS s
 WHERE u.id = s.host_id
   AND (u.response_rate, u.response_time_minutes) IS DISTINCT FROM (s.rate, s.minutes)
"""


def host_response_stats_update(*, now: dt.datetime | None = None) -> int:
    """Recompute every host's response rate and time that has decided windows; returns hosts changed."""
    now = now or timezone.now()
    period = dt.timedelta(days=int(getattr(settings, "HOST_RESPONSE_PERIOD_DAYS", 30)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(STATS_SQL, {"since": now - period, "decided_before": now - REPLY_DEADLINE})
        return cursor.rowcount
