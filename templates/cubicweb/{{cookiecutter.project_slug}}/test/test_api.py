"""The article API: HTTP Basic checked by CubicWeb, the schema's permissions, CSRF for cookies."""

import base64
import json

from cubicweb_web.devtools.testlib import PyramidWebCWTC

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.wsgi import pyramid_settings

TESTING = load_config({"{{ cookiecutter.__env_prefix }}ENV": "testing"})


def basic(login: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class ArticleApiTC(PyramidWebCWTC):
    settings = pyramid_settings(TESTING)
    # CubicWeb's devtools make this class's database once and restore it for each test.
    test_db_id = "api"

    @classmethod
    def pre_setup_database(cls, cnx, config):
        cls.create_user(cnx, "alice", password="alice-password")
        # Only a guest: authenticates, but the schema lets it add nothing.
        cls.create_user(cnx, "visitor", groups=("guests",), password="visitor-password")
        cnx.commit()

    def admin(self) -> dict[str, str]:
        return basic(self.admlogin, self.admpassword)

    def create(self, payload, headers=None, status=201, **kwargs):
        return self.webapp.post(
            "/api/articles",
            params=json.dumps(payload).encode(),
            content_type="application/json",
            headers=headers if headers is not None else self.admin(),
            status=status,
            **kwargs,
        )

    def read(self, location, status=200, headers=None):
        return self.webapp.get(location, status=status, headers=headers or {})

    def test_basic_user_creates_and_publishes_what_guests_then_read(self):
        created = self.create({"title": "Kept", "body": "three little words", "publish": True})
        self.assertEqual(created.content_type, "application/json")
        self.assertEqual(created.json["state"], "published")
        location = created.headers["Location"]
        self.assertTrue(location.endswith(f"/api/articles/{created.json['eid']}"), location)
        read = self.read(location)  # anonymous
        self.assertEqual(read.json["title"], "Kept")
        self.assertEqual(read.json["word_count"], 3)
        with self.admin_access.repo_cnx() as cnx:
            article = cnx.entity_from_eid(created.json["eid"])
            self.assertEqual(article.created_by[0].login, self.admlogin)

    def test_a_draft_is_read_by_its_owner_only(self):
        created = self.create({"title": "Draft"}, headers=basic("alice", "alice-password"))
        self.assertEqual(created.json["state"], "draft")
        location = created.headers["Location"]
        self.assertIn("no article", self.read(location, status=404).json["error"])
        owner = self.read(location, headers=basic("alice", "alice-password"))
        self.assertEqual(owner.json["title"], "Draft")

    def test_without_or_with_wrong_credentials_is_401_with_a_challenge(self):
        for headers in ({}, basic("alice", "wrong"), basic("nobody", "x")):
            with self.subTest(headers=headers):
                response = self.create({"title": "x"}, headers=headers, status=401)
                self.assertTrue(response.headers["WWW-Authenticate"].startswith("Basic "))
                self.assertIn("error", response.json)
        with self.admin_access.repo_cnx() as cnx:
            self.assertFalse(cnx.execute("Any X WHERE X is Article"))

    def test_users_the_schema_refuses_get_403(self):
        response = self.create(
            {"title": "x"}, headers=basic("visitor", "visitor-password"), status=403
        )
        self.assertIn("may not add", response.json["error"])
        # alice may add, but publishing is for editors and managers: nothing is kept.
        response = self.create(
            {"title": "x", "publish": True}, headers=basic("alice", "alice-password"), status=403
        )
        self.assertIn("may not publish", response.json["error"])
        with self.admin_access.repo_cnx() as cnx:
            self.assertFalse(cnx.execute("Any X WHERE X is Article"))

    def test_bad_bodies_get_a_json_4xx(self):
        cases = [
            (b'{"title": ', 400, "not valid JSON"),
            (b'["x"]', 422, "JSON object"),
            (b"{}", 422, '"title"'),
            (b'{"title": "  "}', 422, '"title"'),
            (b'{"title": 1}', 422, '"title"'),
            (json.dumps({"title": "x" * 201}).encode(), 422, "exceed"),
            (b'{"title": "x", "body": 2}', 422, '"body"'),
            (b'{"title": "x", "publish": "yes"}', 422, '"publish"'),
            (b'{"title": "x", "eid": 1}', 422, "unknown fields: eid"),
            (b'{"title": "\\ud800"}', 400, "not valid Unicode"),
            (b'{"title": "a\\u0000b"}', 422, "NUL"),
        ]
        for body, status, message in cases:
            with self.subTest(body=body[:30]):
                response = self.webapp.post(
                    "/api/articles",
                    params=body,
                    content_type="application/json",
                    headers=self.admin(),
                    status=status,
                )
                self.assertIn(message, response.json["error"])
        response = self.webapp.post(
            "/api/articles", params=b"title=x", headers=self.admin(), status=415
        )
        self.assertIn("application/json", response.json["error"])

    def test_cookie_sessions_still_need_the_csrf_token(self):
        self.login()
        refused = self.webapp.post_json(
            "/api/articles", {"title": "Forged"}, do_not_grab_the_crsf_token=True, status=403
        )
        self.assertIn("X-CSRF-Token", refused.json["error"])
        accepted = self.webapp.post_json("/api/articles", {"title": "Genuine"}, status=201)
        self.assertEqual(accepted.json["title"], "Genuine")

    def test_unknown_unreadable_and_huge_eids_are_404(self):
        with self.admin_access.repo_cnx() as cnx:
            author = cnx.create_entity("Author", name="Not an article")
            cnx.commit()
        for eid in (author.eid, 999999, 10**12):
            with self.subTest(eid=eid):
                response = self.read(f"/api/articles/{eid}", status=404)
                self.assertEqual(response.content_type, "application/json")

    def test_other_methods_are_405(self):
        response = self.webapp.delete("/api/articles", status=405)
        self.assertEqual(response.headers["Allow"], "POST")
        response = self.webapp.put("/api/articles/1", status=405)
        self.assertEqual(response.headers["Allow"], "GET, HEAD")
