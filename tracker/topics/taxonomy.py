"""Load and validate the bilingual topic taxonomy (``seeds/topics.yaml``).

Users edit this file by hand, so every problem is reported as ``file:line: reason``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
AREA_KEYS = {"slug", "name_en", "name_zh"}
TOPIC_REQUIRED = {"slug", "area", "name_en", "name_zh", "description"}
TOPIC_OPTIONAL = {"keywords"}


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used, with the file and line of the problem."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Area:
    """A group of topics shown together on the dashboard."""

    slug: str
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class TopicDef:
    """One topic: slug, area, names, description and optional extra keywords."""

    slug: str
    area: str
    name_en: str
    name_zh: str
    description: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """The whole taxonomy plus a hash of its content (to detect stale tags)."""

    version: int
    areas: tuple[Area, ...]
    topics: tuple[TopicDef, ...]
    content_hash: str
    source: str = ""
    _by_slug: dict[str, TopicDef] = field(default_factory=dict, repr=False, compare=False)

    @property
    def slugs(self) -> list[str]:
        """Topic slugs in file order."""
        return [t.slug for t in self.topics]

    def topic(self, slug: str) -> TopicDef:
        """The topic with this slug (KeyError when unknown)."""
        if not self._by_slug:
            self._by_slug.update({t.slug: t for t in self.topics})
        return self._by_slug[slug]


class _LineDict(dict[str, Any]):
    """A mapping that remembers the line of its start and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember where they came from."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    result = _LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise TaxonomyError("", key_node.start_mark.line + 1, f"duplicate key {key!r}")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _line(obj: Any, key: str | None = None, default: int | None = None) -> int | None:
    if isinstance(obj, _LineDict):
        if key is not None and key in obj.key_lines:
            return obj.key_lines[key]
        return obj.line
    return default


def _text(path: Path, item: Any, key: str, kind: str) -> str:
    value = item.get(key)
    if value is None:
        raise TaxonomyError(path, _line(item), f"{kind} is missing {key!r}")
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(path, _line(item, key), f"{kind} {key!r} must be a non-empty string")
    return value.strip()


def _parse_areas(path: Path, data: _LineDict) -> list[Area]:
    raw = data.get("areas")
    if not isinstance(raw, list) or not raw:
        raise TaxonomyError(path, _line(data, "areas", 1), "'areas' must be a non-empty list")
    areas: list[Area] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, _LineDict):
            raise TaxonomyError(path, _line(data, "areas"), "each area must be a mapping")
        unknown = sorted(set(item) - AREA_KEYS)
        if unknown:
            key = unknown[0]
            raise TaxonomyError(path, _line(item, key), f"unknown area key {key!r}")
        slug = _text(path, item, "slug", "area")
        if not SLUG_RE.match(slug):
            raise TaxonomyError(path, _line(item, "slug"), f"bad area slug {slug!r}")
        if slug in seen:
            raise TaxonomyError(path, _line(item, "slug"), f"duplicate area slug {slug!r}")
        seen.add(slug)
        areas.append(
            Area(slug, _text(path, item, "name_en", "area"), _text(path, item, "name_zh", "area"))
        )
    return areas


def _parse_topic(path: Path, item: Any, area_slugs: set[str], where: int | None) -> TopicDef:
    if not isinstance(item, _LineDict):
        raise TaxonomyError(path, where, "each topic must be a mapping")
    unknown = sorted(set(item) - TOPIC_REQUIRED - TOPIC_OPTIONAL)
    if unknown:
        key = unknown[0]
        raise TaxonomyError(path, _line(item, key), f"unknown topic key {key!r}")
    slug = _text(path, item, "slug", "topic")
    if not SLUG_RE.match(slug):
        raise TaxonomyError(
            path, _line(item, "slug"), f"bad topic slug {slug!r} (use a-z, 0-9 and '-')"
        )
    area = _text(path, item, "area", f"topic {slug!r}")
    if area not in area_slugs:
        raise TaxonomyError(path, _line(item, "area"), f"topic {slug!r} has unknown area {area!r}")
    keywords = item.get("keywords", [])
    if not isinstance(keywords, list) or not all(
        isinstance(k, str) and k.strip() for k in keywords
    ):
        raise TaxonomyError(
            path, _line(item, "keywords"), f"topic {slug!r}: 'keywords' must be a list of strings"
        )
    return TopicDef(
        slug=slug,
        area=area,
        name_en=_text(path, item, "name_en", f"topic {slug!r}"),
        name_zh=_text(path, item, "name_zh", f"topic {slug!r}"),
        description=_text(path, item, "description", f"topic {slug!r}"),
        keywords=tuple(k.strip() for k in keywords),
    )


def parse_taxonomy(text: str, path: str | Path = "<taxonomy>") -> Taxonomy:
    """Parse and validate taxonomy YAML text; raise TaxonomyError with file:line."""
    path = Path(path)
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except TaxonomyError as exc:
        raise TaxonomyError(path, exc.line, exc.reason) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise TaxonomyError(path, line, f"invalid YAML: {exc.problem}") from None
    if not isinstance(data, _LineDict):
        raise TaxonomyError(path, 1, "the file must be a mapping with 'areas' and 'topics'")
    version = data.get("version", 1)
    if not isinstance(version, int):
        raise TaxonomyError(path, _line(data, "version"), "'version' must be an integer")
    areas = _parse_areas(path, data)
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        raise TaxonomyError(path, _line(data, "topics", 1), "'topics' must be a non-empty list")
    area_slugs = {a.slug for a in areas}
    topics: list[TopicDef] = []
    seen: dict[str, int | None] = {}
    for item in raw_topics:
        topic = _parse_topic(path, item, area_slugs, _line(data, "topics"))
        if topic.slug in seen:
            raise TaxonomyError(
                path,
                _line(item, "slug"),
                f"duplicate topic slug {topic.slug!r} (first at line {seen[topic.slug]})",
            )
        seen[topic.slug] = _line(item, "slug")
        topics.append(topic)
    canonical = json.dumps(
        {
            "version": version,
            "areas": [a.__dict__ for a in areas],
            "topics": [{**t.__dict__, "keywords": list(t.keywords)} for t in topics],
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return Taxonomy(version, tuple(areas), tuple(topics), digest, str(path))


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate a taxonomy file (e.g. ``seeds/topics.yaml``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError(path, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise TaxonomyError(path, None, f"not UTF-8 text ({exc.reason})") from None
    return parse_taxonomy(text, path)
