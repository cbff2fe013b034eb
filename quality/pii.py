"""Clear-text personal data detection for analytics tables (hub.*, kpi.*, inventory.*, forecast.*).

Masked forms the platforms hand out ("138****1234", "张*", "***") are fine; clear values are not.
Patterns use look-arounds so long platform order ids (16-19 digits) and hex digests don't look like
phone or ID numbers.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from quality.ge import gxe

# Look-arounds exclude letters too: hex digests (content_hash, buyer_key) contain long digit runs.
MOBILE = r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9A-Za-z])"
# 18-digit resident ID: 6-digit area, birth date 19xx/20xx-MM-DD, 3-digit sequence, check digit.
RESIDENT_ID = (
    r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
# A street address: road/lane word followed by a house number, or building/unit/room numbers.
STREET_ADDRESS = (
    r"(?:路|街|大道|巷|弄|胡同|里)[0-9０-９一二三四五六七八九十百千]+(?:号|號)|[0-9]+(?:栋|幢|号楼|单元)[0-9]*(?:室)?"
)
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
PATTERNS = {"mobile": MOBILE, "resident_id": RESIDENT_ID, "street_address": STREET_ADDRESS, "email": EMAIL}

# hub.quarantine keeps raw payloads on purpose (see its DDL): it is the one hub table allowed to hold PII.
EXEMPT_TABLES = frozenset({"hub.quarantine"})
PII_SCHEMAS = ("hub", "kpi", "inventory", "forecast")
_COMPILED = [re.compile(p) for p in PATTERNS.values()]


def mask_pii(text: str) -> str:
    """Keep the first 3 characters of each finding so an operator can locate it, star the rest."""
    for rx in _COMPILED:
        text = rx.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 3), text)
    return text


def varchar_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns where table_catalog = current_database()"
        " and table_schema = ? and table_name = ? and data_type = 'VARCHAR' order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [r[0] for r in rows]


def pii_frame(table: str, partition_column: str | None):
    def frame(con: duckdb.DuckDBPyConnection, window, settings) -> pd.DataFrame:
        cols = varchar_columns(con, table)
        if not cols:
            return pd.DataFrame()
        schema, name = table.split(".")
        has_partition_column = con.execute(
            "select count(*) from information_schema.columns where table_schema = ? and table_name = ? and "
            "column_name = ?",
            [schema, name, partition_column],
        ).fetchone()[0]
        where = window.where(partition_column if has_partition_column else None)  # guessed column absent: whole table
        quoted = ", ".join(f'"{c}"' for c in cols)
        return con.execute(f"select {quoted} from {table} where {where}").df()

    return frame


def pii_expectations(frame_columns: list[str]) -> list:
    return [
        gxe.ExpectColumnValuesToNotMatchRegexList(column=c, regex_list=list(PATTERNS.values())) for c in frame_columns
    ]


def pii_rule(table: str, partition_column: str | None):
    from quality.framework import Rule

    return Rule(
        name="no_clear_pii",
        description=(
            f"No clear-text personal data (mobile numbers, resident ID numbers, street addresses, e-mails) in any "
            f"varchar column of {table}: PII may only live in raw.* and hub.quarantine."
        ),
        blocking=True,
        frame=pii_frame(table, partition_column),
        expectations=lambda s, frame: pii_expectations(list(frame.columns)),
        mask_sample=True,
    )
