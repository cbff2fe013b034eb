"""Promotion-day sensor: frequent pulls, but never a pile-up of ingest runs."""

import dagster as dg
from dagster._core.test_utils import create_run_for_test

from pipelines.ingest import PEAK_LAG_SECONDS, RAW_OP_NAME, ingest_live_job, ingest_peak_sensor


def test_peak_sensor_requests_a_short_lag_pull_and_skips_while_one_is_pending():
    with dg.instance_for_test() as instance:
        request = ingest_peak_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(request, dg.RunRequest)
        assert request.run_config["ops"][RAW_OP_NAME]["config"]["lag_seconds"] == PEAK_LAG_SECONDS

        create_run_for_test(instance, job_name=ingest_live_job.name, status=dg.DagsterRunStatus.STARTED)
        assert isinstance(ingest_peak_sensor(dg.build_sensor_context(instance=instance)), dg.SkipReason)

        create_run_for_test(instance, job_name="other_job", status=dg.DagsterRunStatus.STARTED)
        for run in instance.get_runs(dg.RunsFilter(job_name=ingest_live_job.name)):
            instance.report_run_failed(run)
        assert isinstance(ingest_peak_sensor(dg.build_sensor_context(instance=instance)), dg.RunRequest)
