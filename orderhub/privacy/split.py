"""Split personal data out of a batch of records before landing stores them (see orderhub/privacy/__init__.py).

All set-based SQL over the batch: the declared fields are read with JSON pointers, replaced by their tokens in one
JSON merge patch per record, and their values collected for the protected store; then every record is scanned
for what no declaration covered (RE2 patterns: mobile numbers as whole alphanumeric runs, resident ID numbers,
e-mail addresses, street numbers) and those substrings are tokenized too, the record marked for quarantine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import duckdb

from orderhub.privacy.fields import Field, declared
from orderhub.privacy.store import write

# a whole alphanumeric run (so digits inside hex digests and long platform ids never match)
MOBILE_RUN = r"(?:86)?1[3-9][0-9]{9}"
ID_RUN = r"[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
STREET = r"(?:路|街|大道|巷|弄|胡同|里)[0-9０-９一二三四五六七八九十百千]+(?:号|號)|[0-9]+(?:栋|幢|号楼|单元)[0-9]*室?"
# one linear RE2 pass finds the records worth the exact (costlier) extraction: a mobile or ID number as a whole
# alphanumeric run (boundaries consumed: RE2 has no look-around), an e-mail, a street number
CANDIDATE = f"(?:^|[^0-9A-Za-z])(?:{MOBILE_RUN}|{ID_RUN})(?:$|[^0-9A-Za-z])|{EMAIL}|{STREET}"
SUSPECT_REASON = "personal_data"


class MissingKey(RuntimeError):
    """No ORDERHUB_PII_SALT: personal data cannot be tokenized, so nothing is landed."""


@dataclass(frozen=True)
class Protected:
    incoming_sql: str  # the batch with tokens in place: (seq, record_text)
    values: int  # personal values in the batch
    new_values: int  # of which the protected store did not hold yet
    suspects: int  # records quarantined by the safety net


def secret() -> str:
    salt = os.environ.get("ORDERHUB_PII_SALT", "")
    if not salt:
        raise MissingKey(
            "ORDERHUB_PII_SALT is not set: it keys the tokens that replace personal data in raw records (and the "
            "salted buyer keys); set it, keep it secret and stable"
        )
    return salt


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def token_sql(value: str, kind: str, key: str) -> str:
    """'pii:<kind>:' + 20 hex of sha256(key | kind | value): deterministic (dedupe, stable buyer keys), and without
    the key no one can test a guessed phone number against it."""
    return f"('pii:{kind}:' || left(sha256({_lit(key)} || '|{kind}|' || {value}), 20))"


def _replacement(f: Field, value: str, token: str) -> str:
    if not f.keep:
        return token
    parts = f"string_split({value}, {_lit(f.sep)})"
    kept = f"list_slice({parts}, 1, least({f.keep}, len({parts}) - 1))"
    sep = _lit(f.sep)
    return f"case when len({parts}) > 1 then array_to_string({kept}, {sep}) || {sep} else '' end || {token}"


def _patch(f: Field, replacement: str) -> str:
    obj = replacement
    for key in reversed(f.path):
        obj = f"json_object({_lit(key)}, {obj})"
    return obj


def _patches(fields: tuple[Field, ...], key: str) -> list[str]:
    """JSON merge patches that put the tokens in place. The top-level fields share one patch (one merge instead of
    one per field: 3x faster): a field that is absent or empty gets its own value back, so the patch leaves it as
    it was (an explicit JSON null is dropped, which a merge patch cannot express otherwise). A nested field gets a
    patch of its own that is empty when the field is, so no parent object is ever added to a record."""
    top = [(i, f) for i, f in enumerate(fields) if len(f.path) == 1]
    out = []
    if top:
        pairs = ", ".join(
            f"{_lit(f.path[0])}, coalesce({_replacement(f, f'v{i}', token_sql(f'v{i}', f.kind, key))}, vs[{i + 1}])"
            for i, f in top
        )
        out.append(f"json_object({pairs})")
    for i, f in enumerate(fields):
        if len(f.path) > 1:
            token = token_sql(f"v{i}", f.kind, key)
            out.append(f"case when v{i} is null then '{{}}' else {_patch(f, _replacement(f, f'v{i}', token))} end")
    return out


def protect(con: duckdb.DuckDBPyConnection, incoming_sql: str, mapping: str, safety_net: bool = True) -> Protected:
    """Tokenize the batch `incoming_sql` (seq, record_text); write its personal values to the protected store.
    Leaves temp table _pii_suspects (seq, kinds) for landing to quarantine (empty without `safety_net`).

    Only the records that change are copied (temp table _pii_tok: seq, record_text): the returned
    `incoming_sql` reads the others from the batch as they are, so a batch without personal data costs no copy of
    its texts (a copy of a 1M-row report's records is 330 MB)."""
    key = secret()
    fields = declared(mapping) or ()
    (kind,) = con.execute(f"select typeof(record_text) from ({incoming_sql}) limit 1").fetchone() or ("VARCHAR",)
    typed = kind == "JSON"  # parsed already (read_json): valid, no need to check each record again
    if fields:
        _tokenize(con, incoming_sql, fields, key, typed)
    else:
        con.execute("create or replace temp table _pii_tok (seq bigint, record_text varchar)")
        con.execute("create or replace temp table _pii_values (token varchar, kind varchar, value varchar)")
    text = "coalesce(t.record_text::json, i.record_text)" if typed else "coalesce(t.record_text, i.record_text)"
    tokenized = f"select i.* replace ({text} as record_text) from ({incoming_sql}) i left join _pii_tok t using (seq)"
    suspects = _safety_net(con, key, tokenized) if safety_net else _no_suspects(con)
    n_values = con.execute("select count(*) from _pii_values").fetchone()[0]
    new_values = write(con, "_pii_values", mapping) if n_values else 0
    return Protected(tokenized, n_values, new_values, suspects)


WORK_TABLES = ("_pii_x", "_pii_tok", "_pii_values", "_pii_suspects", "_pii_hits")


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Drop protect()'s temp tables once its `incoming_sql` and _pii_suspects have been read (they hold every
    changed record's text)."""
    for t in WORK_TABLES:
        con.execute(f"drop table if exists {t}")


def _tokenize(con: duckdb.DuckDBPyConnection, incoming_sql: str, fields: tuple[Field, ...], key: str, typed: bool):
    """_pii_tok: the tokenized text of each record that holds a declared field; _pii_values: their values."""
    cols, values = [], []
    for i, f in enumerate(fields):
        cols.append(f"nullif(trim(vs[{i + 1}]), '') as v{i}")
        token = token_sql(f"v{i}", f.kind, key)
        values.append(f"select {token} as token, '{f.kind}' as kind, v{i} as value from _pii_x where v{i} is not null")
    pointers = "[" + ", ".join(_lit(f.pointer) for f in fields) + "]"
    present = " or ".join(f"v{i} is not null" for i in range(len(fields)))
    names = "".join(f", v{i}" for i in range(len(fields)))
    merged = f"json_merge_patch(record_text, {', '.join(_patches(fields, key))})::varchar"
    con.execute(f"""create or replace temp table _pii_x as
        select seq, case when is_json and ({present}) then {merged} end as record_text{names}
        from (select seq, record_text, is_json, vs{"".join(", " + c for c in cols)}
              from (select seq, record_text, is_json,
                           case when is_json then json_extract_string(record_text, {pointers}) end as vs
                    from (select seq, record_text::varchar as record_text,
                                 {"true" if typed else "json_valid(record_text)"} as is_json
                          from ({incoming_sql}))))""")
    con.execute(f"create or replace temp table _pii_values as {' union all '.join(values)}")
    con.execute("create or replace temp table _pii_tok as select seq, record_text from _pii_x where record_text > ''")
    con.execute("drop table _pii_x")


def _no_suspects(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("create or replace temp table _pii_suspects (seq bigint, kinds varchar[])")
    return 0


def _safety_net(con: duckdb.DuckDBPyConnection, key: str, tokenized: str) -> int:
    """Records whose tokenized text still holds a mobile/ID number, an e-mail or a street number: tokenize those
    substrings (a bare JSON number becomes a string) and list the records in _pii_suspects."""
    con.execute(f"""create or replace temp table _pii_hits as
        with runs as (
            select seq, record_text,
                   list_filter(regexp_extract_all(record_text, '[0-9A-Za-z]+'),
                               lambda x: regexp_full_match(x, '{MOBILE_RUN}') or regexp_full_match(x, '{ID_RUN}'))
                       as nums,
                   regexp_extract_all(record_text, '{EMAIL}') as emails,
                   regexp_extract_all(record_text, '{STREET}') as streets
            from (select seq, record_text::varchar as record_text from ({tokenized}))
            where regexp_matches(record_text, '{CANDIDATE}')
        )
        select seq, record_text,
               list_distinct(
                   list_transform(nums, lambda x: struct_pack(
                       v := x, kind := case when length(x) >= 18 then 'id_number' else 'phone' end))
                   || list_transform(emails, lambda x: struct_pack(v := x, kind := 'email'))
                   || list_transform(streets, lambda x: struct_pack(v := x, kind := 'address'))
               ) as hits
        from runs where len(nums) + len(emails) + len(streets) > 0""")
    n = con.execute("select count(*) from _pii_hits").fetchone()[0]
    if not n:
        return _no_suspects(con)
    tok = token_sql("h.v", "' || h.kind || '", key)
    con.execute(f"""insert into _pii_values
        select {tok}, h.kind, h.v from (select unnest(hits) as h from _pii_hits)""")
    # folded over "kind<TAB>value" strings: list_reduce's accumulator must have the list's child type
    kv = "split_part(x, chr(9), 2)"
    x_tok = token_sql(kv, "' || split_part(x, chr(9), 1) || '", key)
    swap = (  # a bare JSON number (":13812345678,") turns into a string first, then every occurrence
        f"list_reduce(list_transform(hits, lambda h: h.kind || chr(9) || h.v), lambda acc, x: "
        f"replace(replace(replace(acc, ':' || {kv} || ',', ':\"' || {kv} || '\",'), "
        f"':' || {kv} || '}}', ':\"' || {kv} || '\"}}'), {kv}, {x_tok}), record_text)"
    )
    # records the declarations left as they were get their first row in _pii_tok, the others a new text
    con.execute(f"create or replace temp table _pii_clean as select seq, {swap} as cleaned from _pii_hits")
    con.execute("update _pii_tok t set record_text = c.cleaned from _pii_clean c where t.seq = c.seq")
    con.execute("insert into _pii_tok select seq, cleaned from _pii_clean anti join _pii_tok using (seq)")
    con.execute("drop table _pii_clean")
    con.execute("""create or replace temp table _pii_suspects as
        select seq, list_distinct(list_transform(hits, lambda h: h.kind)) as kinds from _pii_hits""")
    return n


def quarantine_suspects(con: duckdb.DuckDBPyConnection, staged: str, mapping: str) -> None:
    """Landing's hook: records the safety net caught are quarantined (they are stored tokenized, never in clear)."""
    con.execute(f"""update {staged} s set reason = '{SUSPECT_REASON}',
            message = 'personal data (' || array_to_string(p.kinds, ', ') || ') in a field the {mapping} mapping does '
                      || 'not declare: it was tokenized; declare the field in orderhub/privacy/personal_fields.yaml '
                      || '(or ORDERHUB_PERSONAL_FIELDS), then replay'
        from _pii_suspects p where s.seq = p.seq and s.reason is null""")
