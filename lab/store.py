"""The run store: every finished run and its weights in one table of any SQLAlchemy database, and the class board.

SQLite file by default, shared by the web server and the worker processes; a PostgreSQL URL works
the same when one machine is not enough. The class board adds two tables: which session (by nickname, never
a name) put which run on the board, and when the teacher last cleared it.
"""

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, deferred, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

from lab.result import RunResult

# How long a writer waits for another process's write to finish before SQLite gives up.
SQLITE_BUSY_TIMEOUT_MS = 10_000
PARAMETERS_PER_QUERY = 500  # run ids bound in one IN (...): well below SQLite's oldest limit of 999


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


class _BoardEntry(_Base):
    """One session's claim on a run: this nickname put this run on the class board."""

    __tablename__ = "board_entries"

    entry_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    owner_id: Mapped[str] = mapped_column(String(64))  # the session's anonymous id (ui.state.owner_id)
    nickname: Mapped[str] = mapped_column(String(64), index=True)
    added_at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, like finished_at
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # the teacher hid this nickname


class _BoardSummary(_Base):
    """A run as the class board needs it (see _board_summary): a quarter of the whole result's JSON to parse."""

    __tablename__ = "board_summaries"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    summary_json: Mapped[str] = mapped_column(Text)


class _BoardClear(_Base):
    """A time the teacher cleared the board: runs without an entry that finished before it stay off the board."""

    __tablename__ = "board_clears"

    clear_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cleared_at: Mapped[str] = mapped_column(String(40))


@dataclass(frozen=True)
class BoardEntry:
    """A run on the class board and who put it there."""

    result: RunResult  # without its training history, library versions, mitigations and flip rates: see get()
    nickname: str | None  # None: no session claimed it (trained from the command line)
    added_at: str  # when a session put it on the board; "" when none did
    hidden: bool = False  # the teacher hid this nickname


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
        self._board_results: dict[tuple[str, str], RunResult] = {}  # parsed once: see _parsed_results

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
        summary = _BoardSummary(run_id=result.run_id, summary_json=json.dumps(_board_summary(result).to_dict()))
        with self._sessions.begin() as session:
            session.merge(row)
            session.merge(summary)

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

    def add_to_board(self, run_id: str, *, owner: str, nickname: str) -> bool:
        """Put a run on the class board for one session; False when that session already put it there.

        A nickname the teacher hid stays hidden on every run it brings later.
        """
        with self._sessions.begin() as session:
            claimed = select(_BoardEntry.entry_id).where(_BoardEntry.run_id == run_id, _BoardEntry.owner_id == owner)
            if session.scalar(claimed) is not None:
                return False
            hidden = select(_BoardEntry.entry_id).where(_BoardEntry.nickname == nickname, _BoardEntry.hidden)
            session.add(
                _BoardEntry(
                    run_id=run_id,
                    owner_id=owner,
                    nickname=nickname,
                    added_at=_now(),
                    hidden=session.scalar(hidden.limit(1)) is not None,
                )
            )
        return True

    def board(self, limit: int = 2000, *, include_hidden: bool = False) -> list[BoardEntry]:
        """The class board, newest first: each session's claim on a run, and unclaimed runs since the last clear.

        Runs the command line trained have no claim; runs the teacher cleared stay stored but off the board.
        """
        last_clear = select(func.max(_BoardClear.cleared_at)).scalar_subquery()
        claimed_or_since_clear = or_(
            _BoardEntry.entry_id.is_not(None), _Run.finished_at > func.coalesce(last_clear, "")
        )
        shown = claimed_or_since_clear if include_hidden else claimed_or_since_clear & _BoardEntry.hidden.is_not(True)
        query = (
            select(_Run.run_id, _Run.finished_at, _BoardEntry.nickname, _BoardEntry.added_at, _BoardEntry.hidden)
            .outerjoin(_BoardEntry, _BoardEntry.run_id == _Run.run_id)
            .where(shown)
            .order_by(_Run.finished_at.desc(), _Run.run_id, _BoardEntry.entry_id)
            .limit(limit)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
            results = self._parsed_results(session, {(row.run_id, row.finished_at) for row in rows})
        return [BoardEntry(results[row.run_id], row.nickname, row.added_at or "", bool(row.hidden)) for row in rows]

    def _parsed_results(self, session: Session, runs: set[tuple[str, str]]) -> dict[str, RunResult]:
        """The board's summaries of these (run_id, finished_at), each read and parsed once per process.

        A class's pages read the board every few seconds and parsing is most of the cost, so only runs new to this
        process are read, from their short summaries (a run stored before summaries existed: its whole result);
        the parsed results (frozen, safe to share) are kept while the board shows them.
        """
        parsed = dict(self._board_results)  # a copy: another thread may be reading the board at the same time
        missing = {run_id: finished_at for run_id, finished_at in runs if (run_id, finished_at) not in parsed}
        ids = list(missing)
        for start in range(0, len(ids), PARAMETERS_PER_QUERY):
            chunk = ids[start : start + PARAMETERS_PER_QUERY]
            query = (
                select(_Run.run_id, func.coalesce(_BoardSummary.summary_json, _Run.result_json))
                .outerjoin(_BoardSummary, _BoardSummary.run_id == _Run.run_id)
                .where(_Run.run_id.in_(chunk))
            )
            for run_id, result_json in session.execute(query):
                parsed[(run_id, missing[run_id])] = RunResult.from_dict(json.loads(result_json))
        shown = {run: parsed[run] for run in runs}
        self._board_results = shown
        return {run_id: result for (run_id, _), result in shown.items()}

    def board_version(self) -> tuple:
        """A cheap fingerprint of the board: it changes whenever a run, an entry, a hidden nickname or a clear does."""
        query = select(
            select(func.count()).select_from(_Run).scalar_subquery(),
            select(func.max(_Run.finished_at)).scalar_subquery(),
            select(func.count()).select_from(_BoardEntry).scalar_subquery(),
            select(func.max(_BoardEntry.entry_id)).scalar_subquery(),
            select(func.count()).select_from(_BoardEntry).where(_BoardEntry.hidden).scalar_subquery(),
            select(func.max(_BoardClear.clear_id)).scalar_subquery(),
        )
        with self._sessions() as session:
            return tuple(session.execute(query).one())

    def clear_board(self) -> None:
        """Start a fresh board: every entry goes, and runs trained before now stay off it (they stay stored)."""
        with self._sessions.begin() as session:
            session.execute(delete(_BoardEntry))
            session.execute(insert(_BoardClear).values(cleared_at=_now()))

    def hide_nickname(self, nickname: str) -> int:
        """Hide every run this nickname put on the board, and those it brings later; how many were hidden."""
        with self._sessions.begin() as session:
            hidden = session.execute(
                update(_BoardEntry)
                .where(_BoardEntry.nickname == nickname, _BoardEntry.hidden.is_not(True))
                .values(hidden=True)
            )
            return hidden.rowcount


def _board_summary(result: RunResult) -> RunResult:
    """The run without what no board figure, label or class report reads: its epochs, versions, mitigations, flips."""
    fairness = result.fairness and replace(result.fairness, mitigations=(), flip_rates=())
    return replace(result, history=(), versions={}, fairness=fairness)


def _to_result(row: _Run) -> RunResult:
    return RunResult.from_dict(json.loads(row.result_json))


def _now() -> str:
    """Now as ISO 8601 UTC to the second, the format of RunResult.finished_at, so that the two compare as text."""
    return datetime.now(UTC).isoformat(timespec="seconds")
