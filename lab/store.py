"""The run store: every finished run and its weights, in one table of any SQLAlchemy database.

SQLite file by default, shared by the web server and the worker processes; a PostgreSQL URL works
the same when one machine is not enough.
"""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Float,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

from lab.result import RunResult

# How long a writer waits for another process's write to finish before SQLite gives up.
SQLITE_BUSY_TIMEOUT_MS = 10_000


class _Base(DeclarativeBase):
    pass


class _Run(_Base):
    """One finished run: a few columns to search and sort by, the whole result as JSON."""

    __tablename__ = "runs"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    spec_key: Mapped[str] = mapped_column(String(32), index=True)
    dataset: Mapped[str] = mapped_column(String(64))
    arch: Mapped[str] = mapped_column(String(64))
    accuracy: Mapped[float] = mapped_column(Float)
    finished_at: Mapped[str] = mapped_column(String(40), index=True)  # ISO 8601 UTC sorts as text
    result_json: Mapped[str] = mapped_column(Text)
    # Deferred: a table of recent runs never pulls megabytes of weights out of the database.
    weights: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers (the pages) go on while a worker writes; the timeout makes writers queue."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _make_engine(url: str) -> Engine:
    """An engine for the URL: SQLite gets its folder created, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        # One connection shared by every thread, or each would see its own empty database.
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class RunStore:
    """Every finished run and its weights, in any SQLAlchemy database (SQLite file by default).

    Safe to share between threads: each call opens its own short session.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = _make_engine(url)
        _Base.metadata.create_all(self._engine)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    def save(self, result: RunResult, *, weights: bytes | None = None) -> None:
        """Store a finished run, replacing a stored run with the same run_id."""
        row = _Run(
            run_id=result.run_id,
            spec_key=result.spec.key(),
            dataset=result.spec.dataset,
            arch=result.spec.arch,
            accuracy=result.metrics.accuracy,
            finished_at=result.finished_at,
            result_json=json.dumps(result.to_dict()),
            weights=weights,
        )
        with self._sessions.begin() as session:
            session.merge(row)

    def get(self, run_id: str) -> RunResult | None:
        """The run with this id, or None."""
        with self._sessions() as session:
            row = session.get(_Run, run_id)
            return None if row is None else _to_result(row)

    def find_by_key(self, key: str) -> RunResult | None:
        """The latest finished run whose spec.key() is `key`, or None: a repeated spec is answered here."""
        query = select(_Run).where(_Run.spec_key == key).order_by(_Run.finished_at.desc()).limit(1)
        with self._sessions() as session:
            row = session.scalars(query).first()
            return None if row is None else _to_result(row)

    def recent(self, limit: int = 50) -> list[RunResult]:
        """Up to `limit` runs, newest first."""
        query = select(_Run).order_by(_Run.finished_at.desc(), _Run.run_id).limit(limit)
        with self._sessions() as session:
            return [_to_result(row) for row in session.scalars(query)]

    def weights(self, run_id: str) -> bytes | None:
        """The saved weights of a run (a torch state_dict as bytes), or None."""
        with self._sessions() as session:
            return session.scalar(select(_Run.weights).where(_Run.run_id == run_id))

    def count(self) -> int:
        """How many runs are stored."""
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(_Run)) or 0


def _to_result(row: _Run) -> RunResult:
    return RunResult.from_dict(json.loads(row.result_json))
