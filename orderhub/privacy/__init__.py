"""Personal data stays out of everything analysts can open.

Landing splits buyers' names, phones, addresses, accounts and free-text notes out of each record before it is
stored (`split.protect`, called by orderhub.ingest.landing): the fields a mapping's records carry them in are
declared in `personal_fields.yaml`; each value is replaced by a token, `pii:<kind>:<20 hex>`, a keyed hash of the
value (keyed with ORDERHUB_PII_SALT, which only the pipeline holds, so a token cannot be guessed from a phone
number), and the value itself goes to the protected store (`store.py`): a database of its own, which the analysts'
view never attaches. raw.* and hub.quarantine keep the record with tokens in place, so re-standardization and
quarantine replay work unchanged (mappings read provinces and cities, never a phone), the same record always gets
the same tokens (dedupe by content hash still works), and the same buyer the same buyer key.

A safety net catches what no declaration covers: a record whose text still holds a mobile number, a resident ID
number, an e-mail address or a street address is quarantined as `personal_data`, with those substrings tokenized
too, so it never reaches analysts in clear while an operator declares the field and replays it.
"""
