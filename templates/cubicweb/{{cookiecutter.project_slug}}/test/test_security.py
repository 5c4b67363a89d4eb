"""Permissions on entity types, attributes and relations, and who may fire the workflow."""

from cubicweb import Unauthorized, ValidationError
from cubicweb.devtools.testlib import RepoAccess
from cubicweb_web.devtools.testlib import WebCWTC


class SecurityTC(WebCWTC):
    # CubicWeb's devtools make this class's database once and restore it for each test.
    test_db_id = "security"

    @classmethod
    def pre_setup_database(cls, cnx, config):
        cls.create_user(cnx, "alice")  # owns the article below
        cls.create_user(cnx, "bob")  # another user
        cls.create_user(cnx, "eve", groups=("users", "editors"))
        cnx.commit()
        with RepoAccess(cnx.repo, "alice").repo_cnx() as alice:
            alice.create_entity("Author", name="Alice")
            alice.create_entity("Article", title="Draft", editorial_note="needs work")
            alice.commit()

    def setup_database(self):
        with self.admin_access.repo_cnx() as cnx:
            self.author_eid = cnx.find("Author", name="Alice").one().eid
            self.article_eid = cnx.find("Article", title="Draft").one().eid

    def fire(self, login, transition):
        with self.new_access(login).repo_cnx() as cnx:
            article = cnx.entity_from_eid(self.article_eid)
            article.cw_adapt_to("IWorkflowable").fire_transition(transition)
            cnx.commit()

    def state(self):
        with self.admin_access.repo_cnx() as cnx:
            return cnx.entity_from_eid(self.article_eid).state_name

    # Entity types ------------------------------------------------------------------------

    def test_guest_cannot_add(self):
        with self.new_access("anon").repo_cnx() as cnx, self.assertRaises(Unauthorized):
            cnx.create_entity("Article", title="Spam")
            cnx.commit()

    def test_non_owner_cannot_update(self):
        with self.new_access("bob").repo_cnx() as cnx, self.assertRaises(Unauthorized):
            cnx.execute("SET X title 'Defaced' WHERE X eid %(x)s", {"x": self.article_eid})
            cnx.commit()

    def test_owner_and_manager_can_update(self):
        for login, title in (("alice", "By the owner"), ("admin", "By a manager")):
            with self.new_access(login).repo_cnx() as cnx:
                cnx.entity_from_eid(self.article_eid).cw_set(title=title)
                cnx.commit()
        with self.admin_access.repo_cnx() as cnx:
            self.assertEqual(cnx.entity_from_eid(self.article_eid).title, "By a manager")

    def test_guest_only_reads_published_articles(self):
        with self.new_access("anon").repo_cnx() as cnx:
            self.assertFalse(cnx.execute("Any X WHERE X is Article"))
        self.fire("eve", "publish")
        with self.new_access("anon").repo_cnx() as cnx:
            self.assertEqual(len(cnx.execute("Any X WHERE X is Article")), 1)

    # Attributes and relations ------------------------------------------------------------

    def test_editorial_note_is_for_managers(self):
        with self.new_access("alice").repo_cnx() as cnx, self.assertRaises(Unauthorized):
            cnx.execute("Any N WHERE X editorial_note N, X eid %(x)s", {"x": self.article_eid})
        with self.admin_access.repo_cnx() as cnx:
            self.assertEqual(cnx.entity_from_eid(self.article_eid).editorial_note, "needs work")

    def test_only_the_owner_links_an_author(self):
        query = "SET X written_by A WHERE X eid %(x)s, A eid %(a)s"
        args = {"x": self.article_eid, "a": self.author_eid}
        with self.new_access("bob").repo_cnx() as cnx, self.assertRaises(Unauthorized):
            cnx.execute(query, args)
            cnx.commit()
        with self.new_access("alice").repo_cnx() as cnx:
            cnx.execute(query, args)
            cnx.commit()

    # Workflow ----------------------------------------------------------------------------

    def test_user_outside_editors_cannot_publish_even_own_article(self):
        with self.assertRaises(ValidationError):
            self.fire("alice", "publish")
        # Another user does not even see the draft.
        with self.assertRaises(Unauthorized):
            self.fire("bob", "publish")
        self.assertEqual(self.state(), "draft")

    def test_editor_publishes_and_manager_unpublishes(self):
        self.fire("eve", "publish")
        self.assertEqual(self.state(), "published")
        self.fire("admin", "unpublish")
        self.assertEqual(self.state(), "draft")
