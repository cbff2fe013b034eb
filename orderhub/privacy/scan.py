"""The PII scan (`orderhub privacy scan`): every text column of everything analysts can open, searched for
personal data in clear.

Two nets, both set-based SQL per column:
- patterns (the landing's safety net, split.py): mobile and resident ID numbers as whole alphanumeric runs,
  e-mail addresses, street numbers (路/街/… + number + 号, building/unit numbers);
- known values: every name, phone, address, account and note the protected store holds (when the scan may open
  it), compared with each value and with each JSON string inside a value; a name has no pattern, but every name
  OrderHub ever received is in the store.
Tokens (`pii:<kind>:<hex>`) are not personal data: the key that made them is the pipeline's alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orderhub.privacy.split import EMAIL, ID_RUN, MOBILE_RUN, STREET

TEXT_TYPES = ("VARCHAR", "JSON")
SKIP_SCHEMAS = ("information_schema", "pg_catalog")
MIN_KNOWN = 2  # a one-character "name" would match half the dictionary


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    rows: int
    kinds: tuple[str, ...]
    example: str  # masked: enough to find the row, not the value

    def line(self) -> str:
        return f"{self.table}.{self.column}: {self.rows} row(s) with {', '.join(self.kinds)} (e.g. {self.example})"


def text_columns(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str, str]]:
    """(schema, table, column) of every text column of `catalog`'s tables and views."""
    return con.execute(
        f"""select table_schema, table_name, column_name from information_schema.columns
            where table_catalog = ? and data_type in ({", ".join("?" * len(TEXT_TYPES))})
              and table_schema not in ({", ".join("?" * len(SKIP_SCHEMAS))})
            order by all""",
        [catalog, *TEXT_TYPES, *SKIP_SCHEMAS],
    ).fetchall()


def _mask(text: str) -> str:
    return text if len(text) <= 2 else text[0] + "*" * (len(text) - 2) + text[-1]


def _column_sql(table: str, column: str, with_known: bool) -> str:
    known = (
        """, known as (
            select distinct x.t from (
                select t, t as s from v
                union all
                select t, unnest(regexp_extract_all(t, '"([^"\\\\]{2,})"', 1)) as s from v where t like '%"%'
            ) x semi join _scan_known k on k.value = x.s
        )"""
        if with_known
        else ", known as (select null::varchar as t where false)"
    )
    return f"""
        with v as (select distinct "{column}"::varchar as t from {table} where "{column}" is not null),
        pat as (
            select t,
                   len(list_filter(regexp_extract_all(t, '[0-9A-Za-z]+'),
                                   lambda x: regexp_full_match(x, '{MOBILE_RUN}'))) > 0 as phone,
                   len(list_filter(regexp_extract_all(t, '[0-9A-Za-z]+'),
                                   lambda x: regexp_full_match(x, '{ID_RUN}'))) > 0 as id_number,
                   regexp_matches(t, '{EMAIL}') as email,
                   regexp_matches(t, '{STREET}') as address
            from v where regexp_matches(t, '[0-9]{{11}}|@|路|街|道|巷|弄|同|里|栋|幢|楼|单元')
        ){known}
        select count(*) filter (where phone), count(*) filter (where id_number), count(*) filter (where email),
               count(*) filter (where address), (select count(*) from known),
               coalesce(any_value(t) filter (where phone or id_number or email or address),
                        (select any_value(t) from known))
        from pat"""


def scan(con: duckdb.DuckDBPyConnection, catalog: str, known: list[str] | None = None) -> list[Finding]:
    """Scan every text column of `catalog` (attached to `con`); `known`: the protected store's values, if any."""
    if known is not None:
        con.execute("create or replace temp table _scan_known (value varchar)")
        con.executemany("insert into _scan_known values (?)", [(v,) for v in {k for k in known if len(k) >= MIN_KNOWN}])
    findings = []
    for schema, table, column in text_columns(con, catalog):
        name = f'"{catalog}"."{schema}"."{table}"'
        row = con.execute(_column_sql(name, column, known is not None)).fetchone()
        kinds = tuple(k for k, n in zip(("phone", "id_number", "email", "address", "known value"), row[:5]) if n)
        if kinds:
            findings.append(Finding(f"{schema}.{table}", column, sum(row[:5]), kinds, _mask(row[5] or "")))
    return findings
