"""The REST resource on MethodDispatcher: JSON in, JSON out, JSON errors (CPWebCase)."""

from __future__ import annotations

from unittest import mock

from .support import SiteCase


class TestItemsAPI(SiteCase):
    def assertJSONError(self, status: int) -> dict:
        self.assertStatus(status)
        self.assertHeader("Content-Type", "application/json")
        error = self.json()["error"]
        assert error["status"] == status
        return error

    def test_create_read_update_delete(self) -> None:
        self.send_json("/api/items", "POST", {"title": " Buy milk "})
        self.assertStatus(201)
        item = self.json()
        assert item == {"id": item["id"], "title": "Buy milk", "done": False}
        location = self.assertHeader("Location")
        assert location.endswith(f"/api/items/{item['id']}")

        self.getPage(f"/api/items/{item['id']}")
        self.assertStatus(200)
        assert self.json() == item

        self.send_json(f"/api/items/{item['id']}", "PUT", {"title": "Buy oat milk", "done": True})
        self.assertStatus(200)
        assert self.json() == {"id": item["id"], "title": "Buy oat milk", "done": True}

        self.getPage("/api/items")
        assert {"id": item["id"], "title": "Buy oat milk", "done": True} in self.json()["items"]

        self.getPage(f"/api/items/{item['id']}", method="DELETE")
        self.assertStatus(204)
        self.getPage(f"/api/items/{item['id']}")
        self.assertJSONError(404)

    def test_done_filters_the_collection(self) -> None:
        for title, done in (("open", False), ("closed", True)):
            self.send_json("/api/items", "POST", {"title": title, "done": done})
        self.getPage("/api/items?done=true")
        self.assertStatus(200)
        items = self.json()["items"]
        assert items and all(item["done"] is True for item in items)
        assert "closed" in [item["title"] for item in items]
        self.getPage("/api/items?done=false")
        assert all(item["done"] is False for item in self.json()["items"])

    def test_a_bad_done_filter_is_400(self) -> None:
        self.getPage("/api/items?done=maybe")
        assert self.assertJSONError(400)["message"] == "'done' must be true or false"

    def test_a_query_string_that_is_not_utf8_is_a_json_404(self) -> None:
        # CherryPy's own answer, before any handler runs.
        self.getPage("/api/items?done=%FF%FE")
        assert "traceback" not in self.assertJSONError(404)

    def test_malformed_json_is_400(self) -> None:
        self.send_json("/api/items", "POST", '{"title": ')
        assert self.assertJSONError(400)["message"] == "Invalid JSON document"

    def test_invalid_utf8_is_400(self) -> None:
        self.getPage(
            "/api/items",
            method="POST",
            body=b"\xff\xfe",
            headers=[("Content-Type", "application/json"), ("Content-Length", "2")],
        )
        self.assertJSONError(400)

    def test_missing_body_is_400(self) -> None:
        self.getPage(
            "/api/items",
            method="POST",
            headers=[("Content-Type", "application/json"), ("Content-Length", "0")],
        )
        self.assertJSONError(400)

    def test_other_content_types_are_415(self) -> None:
        self.getPage(
            "/api/items",
            method="POST",
            body="title=x",
            headers=[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Content-Length", "7"),
            ],
        )
        self.assertJSONError(415)

    def test_invalid_items_are_422(self) -> None:
        for document in ([1], {}, {"title": "  "}, {"title": "x" * 201}, {"title": "x", "done": 1}):
            self.send_json("/api/items", "POST", document)
            self.assertJSONError(422)

    def test_unknown_items_are_404(self) -> None:
        for path in ("/api/items/999", "/api/items/abc", "/api/items/1/2"):
            self.getPage(path)
            self.assertJSONError(404)
        self.send_json("/api/items/999", "PUT", {"title": "x"})
        self.assertJSONError(404)
        self.getPage("/api/items/999", method="DELETE")
        self.assertJSONError(404)

    def test_unsupported_method_is_405_with_allow(self) -> None:
        self.send_json("/api/items/1", "PATCH", {"title": "x"})
        self.assertJSONError(405)
        self.assertHeader("Allow", "DELETE, GET, HEAD, POST, PUT")

    def test_a_bug_is_a_json_500_with_the_traceback_outside_production(self) -> None:
        with mock.patch.object(self.built.store, "items", side_effect=RuntimeError("boom")):
            self.getPage("/api/items")
        error = self.assertJSONError(500)
        assert "RuntimeError: boom" in error["traceback"]

    def test_client_errors_carry_no_traceback(self) -> None:
        self.getPage("/api/items/abc")
        assert "traceback" not in self.assertJSONError(404)


class TestProductionAPI(SiteCase):
    environment = "production"

    def test_a_bug_is_a_json_500_without_traceback(self) -> None:
        with mock.patch.object(self.built.store, "items", side_effect=RuntimeError("boom")):
            self.getPage("/api/items")
        self.assertStatus(500)
        self.assertHeader("Content-Type", "application/json")
        self.assertNotInBody("Traceback")
        self.assertNotInBody("boom")
