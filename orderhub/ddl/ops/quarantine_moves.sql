-- Records moved between stored and quarantined after their landing, so the accounting stays exact:
-- stored now = sum(ops.ingest_batches.stored) + sum(to_stored) - sum(to_quarantine), and the same for quarantined.
create table if not exists ops.quarantine_moves (
    move_id            varchar not null,     -- 'replay-<ts>-<hex>' | 'restandardize-<ts>-<hex>'
    kind               varchar not null,     -- replay: quarantined records re-standardized by today's mapping
                                            -- (orderhub quarantine replay); restandardize: stored records that today's
                                            -- mapping rejects, found when a rebuild re-standardizes a window
    mapping            varchar,              -- the mapping replayed (null = every mapping)
    reason_filter      varchar,              -- the quarantine reason replayed (null = every replayable reason)
    attempted          integer not null,     -- records re-standardized
    to_stored          integer not null,     -- quarantined -> stored
    to_quarantine      integer not null,     -- stored -> quarantined
    still_quarantined  integer not null,     -- replayed and still rejected (perhaps for another reason)
    started_at         timestamptz not null,
    finished_at        timestamptz not null,
    run_id             varchar
);
