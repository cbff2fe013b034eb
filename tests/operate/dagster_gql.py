"""An external GraphQL client for a running Dagster webserver: what an operator's script (or the UI's own
buttons) does. Launches partition backfills and jobs, waits for them and reports every run, the blocking
checks each run evaluated (per partition) and any step failure, so a test can judge the outcome.

As a script (against `make ui`):
    python tests/operate/dagster_gql.py --url http://127.0.0.1:3000 --days 5 --days 30
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

HUB_ASSETS = (["hub", "orders"], ["hub", "order_lines"], ["hub", "order_status_history"])
DONE = {"SUCCESS", "FAILURE", "CANCELED"}

LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on UnauthorizedError { message }
  }
}"""
BACKFILL = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { id status numPartitions runs(limit: 1000) { runId status jobName tags { key value } } }
    ... on PythonError { message }
  }
}"""
LAUNCH_RUN = """
mutation($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on InvalidSubsetError { message }
    ... on PipelineNotFoundError { message }
    ... on UnauthorizedError { message }
  }
}"""
RUN = """
query($id: ID!) {
  runOrError(runId: $id) {
    __typename
    ... on Run { runId status jobName startTime endTime tags { key value } }
    ... on RunNotFoundError { message }
  }
}"""
RUN_EVENTS = """
query($id: ID!, $after: String) {
  logsForRun(runId: $id, afterCursor: $after, limit: 5000) {
    __typename
    ... on EventConnection {
      cursor hasMore
      events {
        __typename
        ... on AssetCheckEvaluationEvent {
          evaluation { checkName success partition severity assetKey { path } }
        }
        ... on ExecutionStepFailureEvent { stepKey error { message } }
        ... on MaterializationEvent { stepKey assetKey { path } partition }
      }
    }
  }
}"""


class GraphQLError(RuntimeError):
    pass


@dataclass
class RunReport:
    run_id: str
    status: str
    job_name: str
    checks: list[dict] = field(default_factory=list)  # {asset, check, partition, passed, severity}
    failures: list[str] = field(default_factory=list)
    materialized: list[tuple[str, str | None]] = field(default_factory=list)
    seconds: float | None = None


class Client:
    def __init__(self, url: str, timeout: float = 60) -> None:
        self.url = url.rstrip("/") + "/graphql"
        self.timeout = timeout
        self.session = requests.Session()

    def query(self, text: str, variables: dict | None = None) -> dict:
        resp = self.session.post(self.url, json={"query": text, "variables": variables or {}}, timeout=self.timeout)
        resp.raise_for_status()
        body = resp.json()
        if body.get("errors"):
            raise GraphQLError(json.dumps(body["errors"])[:2000])
        return body["data"]

    def answer(self, text: str, variables: dict, field: str, expected: str, what: str) -> dict:
        """The union `field` of the answer, which must be of type `expected` (else its error, naming `what`)."""
        out = self.query(text, variables)[field]
        if out["__typename"] != expected:
            raise GraphQLError(f"{what}: {out}")
        return out

    def launch_backfill(self, assets: list[list[str]], partitions: list[str], title: str | None = None) -> str:
        params = {
            "assetSelection": [{"path": p} for p in assets],
            "partitionNames": partitions,
            "fromFailure": False,
            "title": title,
        }
        out = self.answer(
            LAUNCH_BACKFILL, {"params": params}, "launchPartitionBackfill", "LaunchBackfillSuccess", "backfill refused"
        )
        return out["backfillId"]

    def backfill(self, backfill_id: str) -> dict:
        return self.answer(
            BACKFILL, {"id": backfill_id}, "partitionBackfillOrError", "PartitionBackfill", f"backfill {backfill_id}"
        )

    def launch_job(self, job: str, location: str = "orderhub", repository: str = "__repository__") -> str:
        params = {
            "selector": {"repositoryLocationName": location, "repositoryName": repository, "jobName": job},
            "runConfigData": {},
        }
        out = self.answer(LAUNCH_RUN, {"params": params}, "launchRun", "LaunchRunSuccess", f"launch of {job} refused")
        return out["run"]["runId"]

    def run(self, run_id: str) -> dict:
        return self.answer(RUN, {"id": run_id}, "runOrError", "Run", f"run {run_id}")

    def run_report(self, run_id: str) -> RunReport:
        run = self.run(run_id)
        report = RunReport(run_id, run["status"], run["jobName"])
        if run.get("startTime") and run.get("endTime"):
            report.seconds = run["endTime"] - run["startTime"]
        after = None
        while True:
            logs = self.query(RUN_EVENTS, {"id": run_id, "after": after})["logsForRun"]
            for e in logs.get("events", []):
                kind = e["__typename"]
                if kind == "AssetCheckEvaluationEvent":
                    ev = e["evaluation"]
                    report.checks.append(
                        {
                            "asset": ".".join(ev["assetKey"]["path"]),
                            "check": ev["checkName"],
                            "partition": ev["partition"],
                            "passed": ev["success"],
                            "severity": ev["severity"],
                        }
                    )
                elif kind == "ExecutionStepFailureEvent":
                    report.failures.append(f"{e['stepKey']}: {(e.get('error') or {}).get('message', '')[:300]}")
                elif kind == "MaterializationEvent":
                    report.materialized.append((".".join(e["assetKey"]["path"]), e.get("partition")))
            if not logs.get("hasMore"):
                break
            after = logs["cursor"]
        return report

    def wait_run(self, run_id: str, timeout: float) -> RunReport:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.run(run_id)["status"] in DONE:
                return self.run_report(run_id)
            time.sleep(2)
        raise TimeoutError(f"run {run_id} did not finish within {timeout:.0f} s")

    def wait_backfill(self, backfill_id: str, timeout: float) -> tuple[dict, list[RunReport]]:
        """Until the backfill is no longer requested and every run it launched has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bf = self.backfill(backfill_id)
            runs = bf.get("runs") or []
            if bf["status"] != "REQUESTED" and runs and all(r["status"] in DONE for r in runs):
                return bf, [self.run_report(r["runId"]) for r in runs]
            time.sleep(3)
        raise TimeoutError(f"backfill {backfill_id} did not finish within {timeout:.0f} s")


def days_back(days: int, until: date) -> list[str]:
    return [(until - timedelta(days=i)).isoformat() for i in range(days - 1, -1, -1)]


def blocking_checks_per_partition(report: RunReport) -> dict[str, set[str]]:
    """partition -> names of the blocking (ERROR severity) checks evaluated on it in this run."""
    out: dict[str, set[str]] = {}
    for c in report.checks:
        if c["severity"] == "ERROR" and c["partition"]:
            out.setdefault(c["partition"], set()).add(f"{c['asset']}:{c['check']}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:3000")
    parser.add_argument("--days", type=int, action="append", help="backfill this many days ending --until")
    parser.add_argument("--until", default=None, help="last partition (default: yesterday, UTC)")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    client = Client(args.url)
    until = date.fromisoformat(args.until) if args.until else date.today() - timedelta(days=1)
    ok = True
    for days in args.days or [5]:
        partitions = days_back(days, until)
        started = time.monotonic()
        bid = client.launch_backfill([list(p) for p in HUB_ASSETS], partitions, title=f"hub {days} days")
        bf, reports = client.wait_backfill(bid, args.timeout)
        checked = {}
        for r in reports:
            checked.update(blocking_checks_per_partition(r))
        missing = [p for p in partitions if not checked.get(p)]
        failed = [r for r in reports if r.status != "SUCCESS"]
        print(
            f"{days:>3} days: backfill {bid} {bf['status']} in {time.monotonic() - started:.0f} s; "
            f"{len(reports)} run(s) {sorted({r.status for r in reports})}; blocking checks on "
            f"{len(partitions) - len(missing)}/{len(partitions)} partitions "
            f"({len(next(iter(checked.values()), ()))} per partition)"
        )
        for r in failed:
            print(f"    run {r.run_id[:8]} {r.status}: " + "; ".join(r.failures[:3]))
        ok = ok and not failed and not missing and bf["status"] in ("COMPLETED_SUCCESS", "COMPLETED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
