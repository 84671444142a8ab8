"""The engine home: where one deployment keeps its store, its publications and its secrets.

Layout (all under ``--home`` / ``HEATMAP_HOME``, default ``./heatmap_data``)::

    engine.duckdb             the writer's database: only jobs open it, always under the lock
    writer.lock               flock()ed by the job that writes; the kernel frees it if the job dies
    published/current.duckdb  symlink to the latest complete snapshot: what readers open
    published/heatmap-*.duckdb immutable snapshots, the last few kept, each with the list of
                              its parts (heatmap-*.parts.json)
    published/parts/          the big tables' immutable Parquet parts, shared by snapshots
    secret.key                the key of the personal-data hashes (created on first use, mode 600)
    taxonomy.toml             optional: replaces the default issue taxonomy
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from heatmap.taxonomy import Taxonomy, load_taxonomy

DEFAULT_HOME = "heatmap_data"
HOME_ENV = "HEATMAP_HOME"
HASH_KEY_ENV = "HEATMAP_HASH_KEY"


@dataclass(frozen=True)
class Home:
    """Paths of one engine home."""

    root: Path

    @property
    def store_path(self) -> Path:
        return self.root / "engine.duckdb"

    @property
    def lock_path(self) -> Path:
        return self.root / "writer.lock"

    @property
    def published_dir(self) -> Path:
        return self.root / "published"

    @property
    def current_path(self) -> Path:
        return self.published_dir / "current.duckdb"

    @property
    def work_dir(self) -> Path:
        return self.root / "work"

    def ensure(self) -> Home:
        """Create the home's folders if they do not exist yet."""
        for folder in (self.root, self.published_dir, self.work_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def taxonomy(self) -> Taxonomy:
        """This deployment's taxonomy: ``HEATMAP_TAXONOMY``, ``taxonomy.toml``, or the default."""
        override = os.environ.get("HEATMAP_TAXONOMY")
        return load_taxonomy(Path(override) if override else self.root / "taxonomy.toml")

    def hash_key(self) -> bytes:
        """The secret key of the personal-data hashes.

        ``HEATMAP_HASH_KEY`` wins; otherwise ``secret.key`` in the home, created with a random key
        on first use. The key never lives in the repository, and keeping it stable keeps repeat
        callers recognisable across batches.
        """
        from_env = os.environ.get(HASH_KEY_ENV)
        if from_env:
            return from_env.encode("utf-8")
        key_path = self.root / "secret.key"
        if not key_path.exists():
            self.ensure()
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as key_file:
                key_file.write(secrets.token_hex(32))
        return key_path.read_text().strip().encode("utf-8")


def resolve_home(path: str | Path | None = None) -> Home:
    """The home named by ``path``, else ``HEATMAP_HOME``, else ``./heatmap_data``."""
    chosen = path or os.environ.get(HOME_ENV) or DEFAULT_HOME
    return Home(Path(chosen).resolve())
