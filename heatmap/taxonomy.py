"""The issue taxonomy: codes, Chinese and English names, and whether a type is spatial.

The default lives in ``heatmap/data/taxonomy.toml``; a deployment replaces it with a file of the
same shape (``HEATMAP_TAXONOMY`` or ``<home>/taxonomy.toml``). Types that are not in the taxonomy
are kept as they arrive and treated as spatial, so an unknown type can still become a hotspot.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class IssueType:
    """One issue type of the taxonomy."""

    code: str
    zh: str
    en: str
    spatial: bool
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Taxonomy:
    """An ordered set of issue types, looked up by code."""

    types: tuple[IssueType, ...]

    def __getitem__(self, code: str) -> IssueType:
        for issue_type in self.types:
            if issue_type.code == code:
                return issue_type
        return IssueType(code, code, code, True, f"{code} 热点", f"{code} hotspot")

    def __contains__(self, code: object) -> bool:
        return any(t.code == code for t in self.types)

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.types]

    @property
    def spatial_codes(self) -> list[str]:
        return [t.code for t in self.types if t.spatial]

    def code_for_name(self, name: str) -> str | None:
        """The code whose code, Chinese or English name is ``name`` (ignoring case and spaces)."""
        wanted = name.strip().casefold()
        for t in self.types:
            if wanted in (t.code.casefold(), t.zh.casefold(), t.en.casefold()):
                return t.code
        return None


def parse_taxonomy(text: str) -> Taxonomy:
    """Read a taxonomy TOML document (see ``heatmap/data/taxonomy.toml``)."""
    doc = tomllib.loads(text)
    types = []
    for code, entry in doc.get("types", {}).items():
        types.append(
            IssueType(
                code=code,
                zh=entry.get("zh", code),
                en=entry.get("en", code),
                spatial=bool(entry.get("spatial", True)),
                label_zh=entry.get("label_zh", f"{entry.get('zh', code)}热点"),
                label_en=entry.get("label_en", f"{code} hotspot"),
            )
        )
    return Taxonomy(tuple(types))


@cache
def default_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the engine."""
    text = resources.files("heatmap").joinpath("data/taxonomy.toml").read_text(encoding="utf-8")
    return parse_taxonomy(text)


def load_taxonomy(path: Path | None) -> Taxonomy:
    """The taxonomy at ``path`` when it exists, else the default."""
    if path is not None and path.is_file():
        return parse_taxonomy(path.read_text(encoding="utf-8"))
    return default_taxonomy()
