import pytest


@pytest.fixture(autouse=True)
def _fresh_graphs():
    # Each process keeps the organisation's graph a few minutes; every test starts afresh.
    from django.core.cache import cache

    from relaydesk.chains.selectors import forget_graphs

    forget_graphs()
    cache.clear()
    yield
    forget_graphs()
