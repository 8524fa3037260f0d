import pytest


@pytest.fixture
def shared_register(world):
    """Team A chooses to share its employer register with team B (read-only for team B)."""
    world.team.shares_employers_with.add(world.other_team)
    return world
