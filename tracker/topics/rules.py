"""Load the tagger's phrase rules (``seeds/topic_rules.yaml``), checked against the taxonomy."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tracker.topics.taxonomy import Taxonomy, TaxonomyError

DEFAULT_SETTINGS = {
    "threshold": 1.7,
    "title_weight": 1.5,
    "repeat_weight": 0.3,
    "max_repeats": 3,
    "max_topics": 4,
    "relative_cut": 0.7,
}


@dataclass(frozen=True)
class TopicRule:
    """Phrases with weights, category priors and a yield rule for one topic."""

    phrases: dict[str, float] = field(default_factory=dict)
    categories: dict[str, float] = field(default_factory=dict)
    yield_to: tuple[str, ...] = ()
    yield_factor: float = 1.0


@dataclass(frozen=True)
class TopicRules:
    """Every topic's rule plus the scoring settings and a content hash."""

    settings: dict[str, float]
    topics: dict[str, TopicRule]
    content_hash: str


def _weights(path: Path, slug: str, key: str, raw: Any) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise TaxonomyError(path, None, f"topic {slug!r}: {key!r} must be a mapping")
    out: dict[str, float] = {}
    for name, weight in raw.items():
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            raise TaxonomyError(path, None, f"topic {slug!r}: weight of {name!r} is not a number")
        out[str(name)] = float(weight)
    return out


def parse_rules(text: str, path: str | Path, taxonomy: Taxonomy) -> TopicRules:
    """Parse rule YAML; topics missing from the rules get their keywords and English name."""
    path = Path(path)
    try:
        data = yaml.safe_load(text) or {}
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise TaxonomyError(path, line, f"invalid YAML: {exc.problem}") from None
    if not isinstance(data, dict):
        raise TaxonomyError(path, 1, "the rules file must be a mapping")
    settings = dict(DEFAULT_SETTINGS)
    for key, value in (data.get("settings") or {}).items():
        if key not in DEFAULT_SETTINGS or not isinstance(value, int | float):
            raise TaxonomyError(path, None, f"unknown or non-numeric setting {key!r}")
        settings[key] = float(value)
    raw_topics = data.get("topics") or {}
    known = set(taxonomy.slugs)
    unknown = sorted(set(raw_topics) - known)
    if unknown:
        raise TaxonomyError(path, None, f"rules for topics not in the taxonomy: {unknown}")
    rules: dict[str, TopicRule] = {}
    for topic in taxonomy.topics:
        raw = raw_topics.get(topic.slug) or {}
        phrases = _weights(path, topic.slug, "phrases", raw.get("phrases"))
        if not phrases:
            phrases[topic.name_en.lower()] = 1.0
        for keyword in topic.keywords:
            phrases.setdefault(keyword.lower(), 1.0)
        yield_raw = raw.get("yield_to") or {}
        yield_topics = tuple(t for t in yield_raw.get("topics", []) if t in known)
        rules[topic.slug] = TopicRule(
            phrases=phrases,
            categories=_weights(path, topic.slug, "categories", raw.get("categories")),
            yield_to=yield_topics,
            yield_factor=float(yield_raw.get("factor", 1.0)),
        )
    digest = hashlib.sha256(text.encode("utf-8") + taxonomy.content_hash.encode()).hexdigest()
    return TopicRules(settings, rules, digest)


def load_rules(path: str | Path, taxonomy: Taxonomy) -> TopicRules:
    """Read the rules file; a missing file means every topic uses its keywords and name."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return parse_rules(text, path, taxonomy)
