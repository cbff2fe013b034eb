"""key_unique: the blocking check that stands in for a PRIMARY KEY, which a DuckLake cannot have.

Every table whose DDL declares `-- key: a, b` gets it (orderhub.ddl.table_key). The writers keep keys unique by
construction (MERGE on the key, window replacement); this check proves it after every materialization, over the
whole table, and shows the duplicated keys when it fails.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.framework import Rule, Window
from quality.ge import gxe
from resources.quality_settings import QualitySettings

RULE_NAME = "key_unique"


def key_rule(table: str, key: tuple[str, ...]) -> Rule:
    cols = ", ".join(key)

    def frame(con: duckdb.DuckDBPyConnection, window: Window, settings: QualitySettings) -> pd.DataFrame:
        # only the duplicated keys come back: an empty frame passes
        return con.execute(f"select {cols}, count(*) as copies from {table} group by all having count(*) > 1").df()

    return Rule(
        name=RULE_NAME,
        description=f"Each ({cols}) appears once in {table}: its key, which no database constraint enforces.",
        blocking=True,
        frame=frame,
        sample_columns=(*key, "copies"),
        expectations=lambda s, f: [gxe.ExpectColumnValuesToBeInSet(column="copies", value_set=[1])],
    )
