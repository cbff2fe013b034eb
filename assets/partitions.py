"""Order-date partitions of the hub model, shared with the jobs and sensors that target them.

The partitions' first day is part of the definitions' shape, so it is read when the definitions load
(ORDERHUB_START_DATE, see orderhub.settings.start_date).
"""

from __future__ import annotations

import dagster as dg

from orderhub import settings

order_date_partitions = dg.DailyPartitionsDefinition(
    start_date=settings.start_date(),
    timezone=settings.BUSINESS_TZ,
    end_offset=1,  # today exists while it fills
)

# A range of days runs as one run: one DuckDB writer, one transaction per window.
single_run = dg.BackfillPolicy.single_run()
