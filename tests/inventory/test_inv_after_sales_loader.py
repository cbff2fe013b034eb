"""After-sales mapping files: the shipped ones load; a malformed one fails at load, naming the file and key."""

from __future__ import annotations

import shutil

import pytest
import yaml

from orderhub.after_sales.loader import AFTER_SALES_DIR, all_ticket_mappings, load_ticket_mapping, parse_ticket_mapping
from orderhub.standardize.mapping import MappingError

GOOD = (AFTER_SALES_DIR / "douyin_api.yaml").read_text(encoding="utf-8")


def test_shipped_mappings_load():
    ms = all_ticket_mappings()
    assert {n: m.feed for n, m in ms.items()} == {
        "taobao_api": "taobao",
        "douyin_api": "douyin",
        "pdd_api": "pdd",
        "jd_api": "jd",
        "cs_form": "cs",
    }
    assert [m.name for m in ms.values() if m.own_code] == ["cs_form"]
    assert [r.ticket_type for r in ms["pdd_api"].reason_rules] == ["wrong_item", "damaged", "wrong_address"]
    # TOP's dispute_type has no wrong-item / damaged / wrong-address type: the reason text decides there too
    assert [r.ticket_type for r in ms["taobao_api"].reason_rules] == ["wrong_item", "damaged", "wrong_address"]
    assert ms["douyin_api"].exchange[0][1] == ("3", "7", "8")  # 换货 · 补寄 · 维修


def _edit(doc: dict, change) -> dict:
    doc = yaml.safe_load(yaml.safe_dump(doc))
    change(doc)
    return doc


def _set(path: str, value):
    def change(doc):
        *parents, last = path.split(".")
        node = doc
        for p in parents:
            node = node[p]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value

    return change


BROKEN = [  # (change to the Douyin mapping, key named in the error, words of the error)
    (_set("feedd", "x"), "unknown keys ['feedd']", ""),
    (_set("feed", KeyError), "missing ['feed']", ""),
    (_set("name", "other"), "name:", "differs from the file name"),
    (_set("ticket.refund", "x"), "ticket: unknown fields ['refund']", ""),
    (_set("ticket.created_at", KeyError), "missing ticket.created_at", ""),
    (_set("ticket.ticket_code", "code"), "ticket:", "exactly one of ticket_code"),
    (_set("channel", KeyError), "missing 'channel'", ""),
    (_set("money", "cents"), "money:", "'cents' is not yuan or fen"),
    (_set("ticket.refund_fen", {"path": "x", "money": "jiao"}), "ticket.refund_fen.money:", "'jiao'"),
    (_set("ticket.reason", {"path": "a", "money": "fen"}), "ticket.reason:", "got {"),
    (_set("ticket.reason", {"path": "a", "line": "b"}), "ticket.reason:", "exactly one of path"),
    (_set("ticket.reason", "a..b"), "ticket.reason:", "bad path segment"),
    (_set("time", {"format": "epoch_ms"}), "time.format:", "'epoch_ms' is not epoch_s"),
    (_set("time", {"format": []}), "time.format:", "None is not"),
    (_set("time", {"format": "epoch_s", "zone": "Asia/Beijing"}), "time.zone:", "unknown time zone"),
    (_set("ticket.created_at", {"path": "c", "time": {"format": "%Y", "tz": "UTC"}}), "ticket.created_at.time:", ""),
    (_set("status.map", {"6": "closed"}), "status.map:", "['closed'] are not among"),
    (_set("status.map", {}), "status.map:", "non-empty"),
    (_set("status.map", KeyError), "status:", "'map' is required"),
    (_set("status.map", {True: "open"}), "status.map:", "quote it"),
    (_set("type.map", {"0": "exchange"}), "type.map:", "['exchange'] are not among"),
    (_set("type.reason_rules", [{"type": "lost", "keywords": ["丢"]}]), "type.reason_rules[0].type:", "'lost'"),
    (_set("type.reason_rules", [{"type": "damaged", "keywords": [""]}]), "type.reason_rules[0]:", "non-empty"),
    (_set("type.reason_rules", "damaged"), "type.reason_rules:", "expected a list"),
    (_set("ticket.reason", KeyError), "type.reason_rules:", "map ticket.reason"),
    (_set("exchange", {"path": "aftersale_type"}), "exchange:", "'equals' is required"),
    (_set("exchange", {"path": "t", "equals": 2.0}), "exchange.equals:", "quote it"),
    (_set("exchange", [{"path": "t", "equals": 1}, {"path": "u"}]), "exchange[1]:", "'equals' is required"),
    (_set("ticket.platform_id", {"line": "id"}), "['platform_id'] read 'line:' values", "no 'lines'"),
    (_set("lines", "items[0]"), "lines:", "dotted path of a list"),
    (_set("lines", "items"), "lines:", "no value reads the line"),
    (_set("ticket.reason", "aftersale_info.aftersale_type.text"), "paths:", "a value"),
]


@pytest.mark.parametrize("change, key, words", BROKEN, ids=[b[1] for b in BROKEN])
def test_a_malformed_mapping_names_file_and_key(tmp_path, change, key, words):
    shutil.copy(AFTER_SALES_DIR / "_defaults.yaml", tmp_path)
    path = tmp_path / "douyin_api.yaml"
    path.write_text(yaml.safe_dump(_edit(yaml.safe_load(GOOD), change), allow_unicode=True), encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_ticket_mapping("douyin_api", tmp_path)
    assert str(err.value).startswith(f"{path}: {key}") and words in str(err.value)


def test_unreadable_files(tmp_path):
    (tmp_path / "a.yaml").write_text("name: a\nfeed: [unclosed\n", encoding="utf-8")
    with pytest.raises(MappingError, match=f"{tmp_path / 'a.yaml'}: not valid YAML"):
        all_ticket_mappings(tmp_path)
    (tmp_path / "a.yaml").write_text("- a list\n", encoding="utf-8")
    with pytest.raises(MappingError, match="a.yaml: the file must hold a mapping"):
        load_ticket_mapping("a", tmp_path)
    with pytest.raises(MappingError, match="no after-sales mapping file"):
        load_ticket_mapping("missing", tmp_path)


def test_reason_rules_default_needs_the_defaults_file(tmp_path):
    (tmp_path / "douyin_api.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(MappingError, match="douyin_api.yaml: type.reason_rules: 'default' but there is no _defaults"):
        load_ticket_mapping("douyin_api", tmp_path)
    other = tmp_path / "other"  # a new directory: loaded files are cached per directory, as order mappings are
    other.mkdir()
    (other / "douyin_api.yaml").write_text(GOOD, encoding="utf-8")
    (other / "_defaults.yaml").write_text("reason_rules: [{type: damaged}]\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"_defaults.yaml: reason_rules\[0\]: expected"):
        all_ticket_mappings(other)


def test_two_mappings_of_one_feed_are_refused(tmp_path):
    shutil.copy(AFTER_SALES_DIR / "_defaults.yaml", tmp_path)
    (tmp_path / "douyin_api.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "douyin_v2.yaml").write_text(GOOD.replace("name: douyin_api", "name: douyin_v2"), encoding="utf-8")
    with pytest.raises(MappingError, match="douyin_api.yaml and douyin_v2.yaml both read feed 'douyin'"):
        all_ticket_mappings(tmp_path)


def test_the_readme_example_is_a_valid_mapping():
    readme = (AFTER_SALES_DIR.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## After-sales mappings", 1)[1]
    doc = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    m = parse_ticket_mapping(doc, "kuaishou_api", "README.md", all_ticket_mappings()["douyin_api"].reason_rules)
    assert (m.feed, m.status.map["5"], m.type.map["3"], m.exchange[0][1], len(m.reason_rules)) == (
        "kuaishou",
        "success",
        "return",
        ("3",),
        3,
    )
