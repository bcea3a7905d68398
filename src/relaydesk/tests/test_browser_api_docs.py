"""The interactive API docs work in a real browser under the Content Security Policy."""

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_list_the_operations_without_policy_violations(page, db):
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if m.type == "error" else None)

    page.goto("/api/v1/docs")

    page.locator(".opblock").first.wait_for()
    assert page.get_by_text("/api/v1/services/search").first.is_visible()
    assert blocked == []
