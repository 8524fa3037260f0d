"""Backup and restore rehearsal: the whole state is one `pg_dump -Fc`; prove it restores.

    dump (custom format, from one snapshot) -> restore into a scratch database -> every table's
    row count compared with the source at that same snapshot -> the access log's append-only
    triggers present and enabled in the copy -> scratch database dropped.

Run as the owner role (it creates and drops the scratch database): `manage.py backup_rehearsal`.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

ACCESS_LOG = "audit_accessevent"
# pgtrigger names its triggers pgtrigger_<name>_<hash>.
ACCESS_LOG_TRIGGERS = ("access_event_append_only", "access_event_no_truncate")


@dataclass
class Rehearsal:
    dump_bytes: int = 0
    dump_seconds: float = 0.0
    restore_seconds: float = 0.0
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table: (source, restored)
    triggers: dict[str, bool] = field(default_factory=dict)  # trigger: present and enabled

    @property
    def mismatches(self) -> dict[str, tuple[int, int]]:
        return {t: c for t, c in self.counts.items() if c[0] != c[1]}

    @property
    def ok(self) -> bool:
        return bool(self.counts) and not self.mismatches and all(self.triggers.values())


def _binary(name: str, server_major: int) -> str:
    """pg_dump / pg_restore no older than the server: PG_BIN if set, else the PATH's, else the
    embedded server's (pgserver)."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(str(Path(os.environ["PG_BIN"]) / name))
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    try:
        import pgserver

        candidates.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:  # pragma: no cover - pgserver is a dependency
        pass
    for candidate in candidates:
        if not Path(candidate).exists():
            continue
        version = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [candidate, "--version"], capture_output=True, text=True, check=False
        ).stdout
        match = re.search(r"(\d+)\.", version)
        if match and int(match.group(1)) >= server_major:
            return candidate
    raise FileNotFoundError(
        f"no {name} of PostgreSQL {server_major} or newer: install the client or set PG_BIN"
    )


def _libpq_env(params: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER")):
        if params.get(key):
            env[var] = str(params[key])
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return env


def _table_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.SQL(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _access_log_triggers(cursor) -> dict[str, bool]:
    found = {}
    for name in ACCESS_LOG_TRIGGERS:
        cursor.execute(
            "SELECT t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = %s AND t.tgname LIKE %s AND NOT t.tgisinternal",
            [ACCESS_LOG, f"pgtrigger_{name}_%"],
        )
        row = cursor.fetchone()
        found[name] = row is not None and row[0] in ("O", "A")  # enabled (origin / always)
    return found


def rehearse(params: dict, *, keep_dump: Path | None = None) -> Rehearsal:
    """`params`: psycopg connection keywords of the source database (dbname, host, port, user,
    password), a role that may create databases."""
    result = Rehearsal()
    source_db = params["dbname"]
    scratch = f"{source_db}_restore_{secrets.token_hex(3)}"[:63]
    env = _libpq_env(params)
    connect = {k: v for k, v in params.items() if v}
    with tempfile.TemporaryDirectory(prefix="ips-backup-") as tmp:
        dump = keep_dump or Path(tmp) / "ips.dump"
        # One snapshot for the dump and the counts, so a live database compares honestly.
        with psycopg.connect(**connect, autocommit=True) as source:
            server_major = source.info.server_version // 10000
            source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            row = source.execute("SELECT pg_export_snapshot()").fetchone()
            assert row is not None  # the function always returns one row
            snapshot = row[0]
            started = time.monotonic()
            subprocess.run(  # noqa: S603 - fixed argument list, no shell
                [
                    _binary("pg_dump", server_major),
                    "-Fc",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(dump),
                    source_db,
                ],
                env=env,
                check=True,
            )
            result.dump_seconds = time.monotonic() - started
            source_counts = _table_counts(source.cursor())
            source.execute("COMMIT")
        result.dump_bytes = dump.stat().st_size
        with psycopg.connect(**connect, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        try:
            started = time.monotonic()
            subprocess.run(  # noqa: S603 - fixed argument list, no shell
                [_binary("pg_restore", server_major), "--exit-on-error", "-d", scratch, str(dump)],
                env=env,
                check=True,
            )
            result.restore_seconds = time.monotonic() - started
            with psycopg.connect(**(connect | {"dbname": scratch})) as restored:
                restored_counts = _table_counts(restored.cursor())
                result.triggers = _access_log_triggers(restored.cursor())
        finally:
            with psycopg.connect(**connect, autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(scratch)
                    )
                )
    for table in sorted(source_counts.keys() | restored_counts.keys()):
        result.counts[table] = (source_counts.get(table, -1), restored_counts.get(table, -1))
    return result
