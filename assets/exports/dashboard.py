"""exports/dashboard: the operations dashboard page (`$ORDERHUB_HOME/exports/dashboard.html`), built from the
KPI marts. Also republishes the analysts' read-only copy of the warehouse."""

import dagster as dg

from assets.tables import key
from orderhub import publish, settings
from orderhub.dashboard import data as dashboard_data
from orderhub.dashboard import render
from orderhub.dashboard.metadata import kpi_metadata
from orderhub.dashboard.tiles import tiles
from orderhub.sqlmodels import project
from resources.warehouse import WAREHOUSE_POOL, Warehouse

KPI_TABLES = [m.relation for m in project.discover() if m.schema == "kpi"]  # every mart feeds the page
# The page's headline tiles are its table: one row per KPI tile.
TILE_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("tile", "VARCHAR", description="which KPI (e.g. p50 paid -> task)"),
        dg.TableColumn("value", "DOUBLE", description="the latest figure"),
        dg.TableColumn("target", "VARCHAR", description="the target it is judged against"),
        dg.TableColumn("status", "VARCHAR", description="good | warn | bad | none (no data yet)"),
    ]
)


def _metadata_value(kind: str, value: object) -> dg.MetadataValue:
    return getattr(dg.MetadataValue, kind)(value)


@dg.asset(
    key=key("exports.dashboard"),
    deps=[key(t) for t in KPI_TABLES],
    kinds={"duckdb", "html", "plotly"},
    group_name="kpi",
    pool=WAREHOUSE_POOL,
    metadata={"dagster/column_schema": TILE_SCHEMA},
)
def dashboard(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The operations dashboard management looks at: one page (exports/dashboard.html) that opens offline,
    with the four KPIs coloured against their targets, daily trends, what is waiting per channel, the
    weekday × hour delay heatmap for staffing, current stock-outs and the top purchase suggestions.
    The same KPI figures appear here as metadata. Also republishes the analysts' read-only copy."""
    target = settings.paths().exports / "dashboard.html"
    with warehouse.connect() as con:
        data = dashboard_data.load(con)
        path, drawn = render.write_dashboard(data, target)
        published = publish.publish_readonly(con, warehouse.resolved_path)
    context.log.info(f"dashboard written to {path}; analysts' copy published to {published.path}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(len(tiles(data))),
            **{name: _metadata_value(kind, value) for name, (kind, value) in kpi_metadata(data).items()},
            "dashboard_path": dg.MetadataValue.path(str(path)),
            "charts_drawn": dg.MetadataValue.json(drawn),
            "readonly_copy": dg.MetadataValue.path(str(published.path)),
            "readonly_copy_mb": dg.MetadataValue.float(round(published.size_bytes / 1e6, 2)),
        }
    )
