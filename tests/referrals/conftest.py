import pytest

from tests.referrals.factories import assigned_referral


@pytest.fixture
def assigned(world):
    """A referral of team A assigned to world.specialist, first meeting not held yet."""
    return assigned_referral(world)
