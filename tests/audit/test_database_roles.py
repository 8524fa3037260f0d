"""Two database roles (issue 17, finding 4): the append-only access log holds against the role the
app connects as. Before, the app connected as the tables' owner (a superuser in compose and the
test set-up): TRUNCATE emptied the log and `session_replication_role = replica` switched its
trigger off."""

import secrets

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from psycopg import errors

from ips.dbroles import app_role_grant


def _connect(**overrides) -> psycopg.Connection:
    s = connection.settings_dict
    params = {
        "dbname": s["NAME"],
        "host": s.get("HOST") or None,
        "port": s.get("PORT") or None,
        "user": s.get("USER") or None,
        "password": s.get("PASSWORD") or None,
    } | overrides
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


@pytest.fixture
def app_role(db):
    """A fresh app role, created and granted exactly as `manage.py db_app_role` does, but
    committed (on a connection of its own, as the test database's owner) so that a second
    connection can sign in as it. Roles are cluster-wide: a unique name, dropped afterwards."""
    role, password = f"ips_app_test_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with _connect() as owner:
        app_role_grant(owner.cursor(), role=role, password=password, database=owner.info.dbname)
    try:
        with _connect(user=role, password=password) as app:
            yield app
    finally:
        with _connect() as owner:
            owner.execute(f'DROP OWNED BY "{role}"')
            owner.execute(f'DROP ROLE "{role}"')


REFUSED = [
    "UPDATE audit_accessevent SET what = 'rewritten'",
    "DELETE FROM audit_accessevent",
    "TRUNCATE audit_accessevent",
    "SET session_replication_role = replica",
    "ALTER TABLE audit_accessevent DISABLE TRIGGER ALL",
    "DROP TABLE audit_accessevent",
    "CREATE TABLE public.mine (id int)",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_app_role_cannot_rewrite_or_empty_the_access_log(app_role, statement):
    with pytest.raises(errors.InsufficientPrivilege):
        app_role.execute(statement)


def test_the_app_role_is_no_superuser_owns_nothing_and_has_dml_rights(app_role):
    role = app_role.info.user
    row = app_role.execute(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user"
    ).fetchone()
    assert row == (False, False, False, False)
    owned = app_role.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE r.rolname = %s",
        [role],
    ).fetchone()[0]
    assert owned == 0
    # What the app does all day works: read, append to the log, change other tables.
    with app_role.transaction(force_rollback=True):
        app_role.execute("SELECT count(*) FROM audit_accessevent").fetchone()
        app_role.execute(
            "INSERT INTO audit_accessevent (at, role, action, what, detail, path) "
            "VALUES (now(), '', 'view', 'other', '', '/')"
        )
        app_role.execute("UPDATE participants_participant SET name = name")
        app_role.execute("DELETE FROM django_session WHERE false")


def test_even_the_owner_cannot_truncate_the_access_log(world):
    """TRUNCATE fires no DELETE trigger; a statement trigger of its own refuses it."""
    with (
        pytest.raises(DatabaseError, match="Cannot truncate"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_accessevent")


def test_db_app_role_command_creates_the_role_from_database_app_url(db, settings):
    role = f"ips_app_cmd_{secrets.token_hex(4)}"
    settings.DATABASE_APP_URL = f"postgres://{role}:s3cret@localhost:5432/ips"
    call_command("db_app_role", verbosity=0)  # inside the test's transaction: rolled back
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcanlogin, "
            "has_table_privilege(%s, 'audit_accessevent', 'INSERT'), "
            "has_table_privilege(%s, 'audit_accessevent', 'UPDATE'), "
            "has_table_privilege(%s, 'audit_accessevent', 'TRUNCATE'), "
            "has_table_privilege(%s, 'participants_participant', 'UPDATE') "
            "FROM pg_roles WHERE rolname = %s",
            [role] * 5,
        )
        assert cursor.fetchone() == (False, True, True, False, False, True)
    call_command("db_app_role", verbosity=0)  # again: idempotent (ALTER, not CREATE)


def test_db_app_role_refuses_to_demote_the_owner_itself(db, settings):
    user = connection.settings_dict["USER"]
    settings.DATABASE_APP_URL = f"postgres://{user}@localhost:5432/ips"
    with pytest.raises(CommandError, match="role of its own"):
        call_command("db_app_role", verbosity=0)
