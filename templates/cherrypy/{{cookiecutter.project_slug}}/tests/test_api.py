"""The REST resource on MethodDispatcher: JSON in, JSON out, JSON errors (CPWebCase)."""

from __future__ import annotations

from unittest import mock

from . import support

PACKAGE = "{{ cookiecutter.package_name }}"


class TestItemsAPI(support.SiteCase):
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
        for path in ("/api/items/999", "/api/items/abc", "/api/items/1/2", "/api/items/1/2/3"):
            self.getPage(path)
            self.assertJSONError(404)
        self.send_json("/api/items/999", "PUT", {"title": "x"})
        self.assertJSONError(404)
        self.getPage("/api/items/999", method="DELETE")
        self.assertJSONError(404)

    def test_ids_are_ascii_digits_within_range(self) -> None:
        """Regression: "²" was a 500 (isdigit() then int()) and "١" (Arabic-Indic) item 1."""
        support.add_item(self.database_url, "one")
        for path in ("%C2%B2", "%D9%A1", "0", "-1", "+1", "2147483648", "9" * 30):
            self.getPage(f"/api/items/{path}")
            self.assertJSONError(404)
            self.getPage(f"/items/{path}")
            self.assertStatus(404)

    def test_extra_segments_and_unknown_parameters_are_refused(self) -> None:
        """Regression: /api/items/1/true was item 1, and ?done= on an item was ignored."""
        number = support.add_item(self.database_url, "one")
        self.getPage(f"/api/items/{number}/true")
        self.assertJSONError(404)
        self.getPage(f"/api/items/{number}?done=maybe")
        assert self.assertJSONError(400)["message"] == "unknown query parameter: done"
        self.getPage("/api/items?colour=red")
        assert self.assertJSONError(400)["message"] == "unknown query parameter: colour"

    def test_unsupported_method_is_405_with_the_resources_allow(self) -> None:
        """Regression: these were 404, and Allow listed every method on both resources."""
        number = support.add_item(self.database_url, "one")
        for method, path, allow in (
            ("PATCH", f"/api/items/{number}", "DELETE, GET, HEAD, PUT"),
            ("POST", f"/api/items/{number}", "DELETE, GET, HEAD, PUT"),
            ("DELETE", "/api/items", "GET, HEAD, POST"),
            ("PUT", "/api/items", "GET, HEAD, POST"),
        ):
            self.send_json(path, method, {"title": "x"})
            self.assertJSONError(405)
            self.assertHeader("Allow", allow)

    def send_nothing(self, url: str, method: str) -> None:
        """A request without a body or a Content-Length (getPage adds ``Content-Length: 0``
        to a POST or PUT only when it also adds a Content-Type)."""
        self.getPage(url, method=method, headers=[("Content-Type", "application/json")])

    def test_a_wrong_method_without_a_body_is_405_not_411(self) -> None:
        """Regression: CherryPy asked for the body (411) before the 405 of MethodDispatcher."""
        number = support.add_item(self.database_url, "one")
        for method, path, allow in (
            ("PUT", "/api/items", "GET, HEAD, POST"),
            ("POST", f"/api/items/{number}", "DELETE, GET, HEAD, PUT"),
            ("PATCH", f"/api/items/{number}", "DELETE, GET, HEAD, PUT"),
        ):
            self.send_nothing(path, method)
            self.assertJSONError(405)
            self.assertHeader("Allow", allow)

    def test_an_allowed_method_without_a_body_is_411(self) -> None:
        number = support.add_item(self.database_url, "one")
        for method, path in (("POST", "/api/items"), ("PUT", f"/api/items/{number}")):
            self.send_nothing(path, method)
            self.assertJSONError(411)

    def test_anything_else_under_api_is_a_json_404(self) -> None:
        """Regression: only /api/items was the API; /api/x got the site's HTML 404."""
        for method, path in (
            ("GET", "/api"),
            ("GET", "/api/"),
            ("GET", "/api/users"),
            ("GET", "/api/v2/items/1"),
            ("DELETE", "/api/users/1"),
            ("POST", "/api/users"),  # no body: 404, not 411
        ):
            self.send_nothing(path, method)
            self.assertJSONError(404)
            self.assertHeader("Content-Length", str(len(self.body)))
        self.send_json("/api/users", "POST", {"title": "x"})
        self.assertJSONError(404)

    def test_errors_are_plain_json_without_padding(self) -> None:
        """Regression: CherryPy padded short error bodies with spaces for Internet Explorer."""
        self.getPage("/api/items/999")
        assert self.body.endswith(b"}")
        self.assertHeader("Content-Length", str(len(self.body)))

    def test_a_body_over_the_limit_is_a_json_413(self) -> None:
        self.send_json("/api/items", "POST", {"title": "x" * 1048576})
        assert self.assertJSONError(413)["status"] == 413

    def test_a_failed_commit_is_a_500_and_nothing_is_stored(self) -> None:
        with mock.patch("sqlalchemy.orm.Session.commit", side_effect=RuntimeError("no disk")):
            self.send_json("/api/items", "POST", {"title": "lost"})
        self.assertJSONError(500)
        self.getPage("/api/items")
        assert self.json() == {"items": []}

    def test_a_bug_is_a_json_500_with_the_traceback_outside_production(self) -> None:
        with mock.patch(f"{PACKAGE}.api.select", side_effect=RuntimeError("boom")):
            self.getPage("/api/items")
        error = self.assertJSONError(500)
        assert "RuntimeError: boom" in error["traceback"]

    def test_client_errors_carry_no_traceback(self) -> None:
        self.getPage("/api/items/abc")
        assert "traceback" not in self.assertJSONError(404)


class TestProductionAPI(support.SiteCase):
    environment = "production"

    def test_a_bug_is_a_json_500_without_traceback(self) -> None:
        with mock.patch(f"{PACKAGE}.api.select", side_effect=RuntimeError("boom")):
            self.getPage("/api/items")
        self.assertStatus(500)
        self.assertHeader("Content-Type", "application/json")
        self.assertNotInBody("Traceback")
        self.assertNotInBody("boom")
