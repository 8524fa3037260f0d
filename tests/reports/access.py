from tests.access_matrix import staff_pages

EXPECTATIONS = {
    # Team staff search their own teams' records; partners and auditors have no search (403).
    "reports:search": staff_pages(),
}
