from tests.access_matrix import ROLES, Expect

EXPECTATIONS = {
    # Home sends each role on to its start page.
    "home": Expect(
        statuses={
            "anonymous": 302,
            "specialist": 302,
            "teammate": 302,
            "other_specialist": 302,
            "leader": 302,
            "partner": 302,
            "auditor": 302,
            "coordinator": 302,
        }
    ),
    "login": Expect(
        statuses={
            "anonymous": 200,
            "specialist": 302,
            "teammate": 302,
            "other_specialist": 302,
            "leader": 302,
            "partner": 302,
            "auditor": 302,
            "coordinator": 302,
        },
        public=True,
    ),
    # Django admin's own login is never served: every request goes on to /login/ (a POST by 307).
    "admin_login": Expect(
        statuses=dict.fromkeys(
            ROLES,
            302,
        ),
        public=True,
    ),
    # The container health check: plain text "ok" for anyone, no personal data.
    "health": Expect(
        statuses=dict.fromkeys(
            ROLES,
            200,
        ),
        public=True,
    ),
    # Logout and language switching are POST actions (GET would be a CSRF-able side effect).
    "logout": Expect(
        statuses=dict.fromkeys(
            ROLES,
            405,
        )
    ),
    "set_language": Expect(
        statuses=dict.fromkeys(
            ROLES,
            302,
        ),
        public=True,
    ),
}
