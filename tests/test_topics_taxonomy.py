"""The taxonomy loader: the shipped file loads; bad files fail with file:line and a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.config import PROJECT_ROOT
from tracker.topics.rules import parse_rules
from tracker.topics.taxonomy import TaxonomyError, load_taxonomy, parse_taxonomy

SEED = PROJECT_ROOT / "seeds" / "topics.yaml"


def test_shipped_taxonomy_loads() -> None:
    tax = load_taxonomy(SEED)
    assert len(tax.topics) == 25 and len(tax.areas) == 7
    assert tax.slugs[0] == "llm" and "medical" in tax.slugs
    assert tax.topic("segmentation").name_zh == "图像分割"
    assert len(tax.content_hash) == 64
    assert load_taxonomy(SEED).content_hash == tax.content_hash


def test_hash_changes_with_content_not_with_comments() -> None:
    text = SEED.read_text(encoding="utf-8")
    base = parse_taxonomy(text).content_hash
    assert parse_taxonomy("# a comment\n" + text).content_hash == base
    renamed = text.replace("name_en: Reasoning", "name_en: Reasoning by models")
    assert parse_taxonomy(renamed).content_hash != base


SEG = "  - slug: seg\n    area: vision\n    name_en: S\n    name_zh: 分割\n"
GOOD_HEAD = """version: 1
areas:
  - {slug: vision, name_en: Vision, name_zh: 视觉}
topics:
"""


@pytest.mark.parametrize(
    ("topics", "line", "reason"),
    [
        (
            SEG.replace("vision", "nowhere") + "    description: d\n",
            6,
            "unknown area 'nowhere'",
        ),
        (
            SEG.replace("seg", "Bad Slug") + "    description: d\n",
            5,
            "bad topic slug",
        ),
        (
            SEG,
            5,
            "missing 'description'",
        ),
        (
            SEG + "    description: d\n    keywrds: [x]\n",
            10,
            "unknown topic key 'keywrds'",
        ),
        (
            SEG + "    description: d\n" + SEG + "    description: d\n",
            10,
            "duplicate topic slug 'seg' (first at line 5)",
        ),
        ("  - slug: seg\n    area: [vision\n", 7, "invalid YAML"),
    ],
)
def test_bad_taxonomy_reports_file_and_line(
    tmp_path: Path, topics: str, line: int, reason: str
) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(GOOD_HEAD + topics, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert info.value.line == line
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_missing_file_is_a_taxonomy_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="file not found"):
        load_taxonomy(tmp_path / "nope.yaml")


def test_user_topic_with_keywords_needs_no_rules() -> None:
    text = GOOD_HEAD + (
        "  - slug: remote-sensing\n    area: vision\n    name_en: Remote sensing\n"
        "    name_zh: 遥感\n    description: Satellite imagery.\n    keywords: [satellite image]\n"
    )
    tax = parse_taxonomy(text)
    rules = parse_rules("", "rules.yaml", tax)
    assert rules.topics["remote-sensing"].phrases == {"remote sensing": 1.0, "satellite image": 1.0}
    with pytest.raises(TaxonomyError, match="not in the taxonomy"):
        parse_rules("topics:\n  llm:\n    phrases: {gpt: 1}\n", "rules.yaml", tax)
