import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_login_locks_between_tests():
    # Sign-in locks live in Redis (under this test process's own key prefix), not in the test DB.
    cache.clear()
    yield
    cache.clear()
