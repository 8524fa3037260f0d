"""The application's own database role, and what it may do.

Two roles (README, Deployment): the *owner* runs migrations and owns every table; the *app role*
is what web, worker and beat connect as. The app role owns nothing, is no superuser, may not
create objects, and has DML rights only: SELECT, INSERT, UPDATE, DELETE on the tables, and on the
append-only access log SELECT and INSERT alone (no UPDATE, DELETE or TRUNCATE; the owner is
still stopped by the table's triggers). Not being a superuser, it can neither disable those
triggers (`ALTER TABLE ... DISABLE TRIGGER` is for the owner) nor set
`session_replication_role`.

`app_role_grant` runs as the owner after `migrate` (`manage.py db_app_role`; `make run` and the
compose `migrate` service do it), and again after every migration: it is idempotent.
"""

from __future__ import annotations

import re

from psycopg import sql

# Tables the app may only read and append to.
APPEND_ONLY_TABLES = ("audit_accessevent",)
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _q(statement: str, **parts) -> str:
    return sql.SQL(statement).format(**parts).as_string()


def app_role_statements(
    *, role: str, password: str | None, database: str, create: bool, schema: str = "public"
) -> list[str]:
    """The SQL that creates (or brings up to date) the app role and its rights."""
    if not _ROLE_NAME.match(role):
        raise ValueError(f"{role!r} is not a plain PostgreSQL role name (a-z, 0-9, _).")
    r, s = sql.Identifier(role), sql.Identifier(schema)
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
    pw = sql.SQL(" PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("")
    statements = [
        _q(("CREATE" if create else "ALTER") + " ROLE {r} " + attributes + "{pw}", r=r, pw=pw),
        _q("GRANT CONNECT ON DATABASE {d} TO {r}", d=sql.Identifier(database), r=r),
        _q("GRANT USAGE ON SCHEMA {s} TO {r}", s=s, r=r),
        # No new tables, functions or types of its own (PostgreSQL < 15 let PUBLIC create here).
        _q("REVOKE CREATE ON SCHEMA {s} FROM PUBLIC, {r}", s=s, r=r),
        _q("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}", s=s, r=r),
        _q("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {s} FROM {r}", s=s, r=r),
        _q("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}", s=s, r=r),
        # Tables a later migration creates get the same rights (the owner runs the migrations).
        _q(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE "
            "ON TABLES TO {r}",
            s=s,
            r=r,
        ),
        _q(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
            s=s,
            r=r,
        ),
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(
            _q(
                "REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{t} FROM {r}",
                s=s,
                t=sql.Identifier(table),
                r=r,
            )
        )
    return statements


def app_role_grant(cursor, *, role: str, password: str | None, database: str) -> list[str]:
    """Create or update the app role and grant its rights, on a cursor of the owner (Django's or
    psycopg's). Returns the statements run, passwords masked."""
    cursor.execute("SELECT current_user")
    if cursor.fetchone()[0] == role:
        raise ValueError(
            f"The app role {role!r} is the role running this (the owner): give the app a role "
            "of its own."
        )
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    create = cursor.fetchone() is None
    statements = app_role_statements(role=role, password=password, database=database, create=create)
    for statement in statements:
        cursor.execute(statement)
    return [re.sub(r"PASSWORD '.*'", "PASSWORD '***'", s) for s in statements]
