"""The schema and its hooks, through CubicWeb's repository test case (SQLite, no server)."""

from cubicweb import Unauthorized, ValidationError
from cubicweb_web.devtools.testlib import WebCWTC


class ArticleModelTC(WebCWTC):
    def test_article_written_by_an_author(self):
        with self.admin_access.repo_cnx() as cnx:
            author = cnx.create_entity("Author", name="Ada")
            article = cnx.create_entity("Article", title="Engines", written_by=author)
            cnx.commit()
            self.assertEqual([a.eid for a in article.written_by], [author.eid])
            self.assertEqual(article.dc_title(), "Engines")
            self.assertEqual(author.dc_title(), "Ada")

    def test_word_count_follows_the_body(self):
        with self.admin_access.repo_cnx() as cnx:
            article = cnx.create_entity("Article", title="Notes", body="one two three")
            cnx.commit()
            self.assertEqual(article.word_count, 3)
            article.cw_set(body="just two")
            cnx.commit()
            article.cw_clear_all_caches()
            self.assertEqual(article.word_count, 2)
            article.cw_set(body=None)
            cnx.commit()
            article.cw_clear_all_caches()
            self.assertEqual(article.word_count, 0)

    def test_word_count_cannot_be_set_by_hand(self):
        with self.admin_access.repo_cnx() as cnx:
            article = cnx.create_entity("Article", title="Notes", body="one two")
            cnx.commit()
            with self.assertRaises(Unauthorized):
                article.cw_set(word_count=42)
                cnx.commit()

    def test_blank_title_is_refused(self):
        with self.admin_access.repo_cnx() as cnx:
            with self.assertRaises(ValidationError) as raised:
                cnx.create_entity("Article", title="   ")
            self.assertIn("title", raised.exception.errors)
            cnx.rollback()
            article = cnx.create_entity("Article", title="Fine")
            cnx.commit()
            with self.assertRaises(ValidationError):
                article.cw_set(title="")

    def test_homepage_must_be_an_absolute_web_url(self):
        refused = [
            "javascript:alert(1)> <x y",
            "ftp://example.org/",
            "//example.org/ada",
            "example.org",
            "http://",
            "https://exa mple.org/",
            'https://example.org/"quoted"',
            "http://[::1",
            "http://example.org:port/",
        ]
        with self.admin_access.repo_cnx() as cnx:
            for value in refused:
                with self.subTest(value=value), self.assertRaises(ValidationError) as raised:
                    cnx.create_entity("Author", name="Ada", homepage=value)
                self.assertIn("homepage", raised.exception.errors)
                cnx.rollback()
            author = cnx.create_entity("Author", name="Ada", homepage="https://example.org/ada")
            cnx.commit()
            author.cw_set(homepage="http://example.org:8080/~ada?x=1#top")
            cnx.commit()
            with self.assertRaises(ValidationError):
                author.cw_set(homepage="javascript:alert(1)")

    def test_new_article_starts_as_draft(self):
        with self.admin_access.repo_cnx() as cnx:
            article = cnx.create_entity("Article", title="Fresh")
            cnx.commit()
            self.assertEqual(article.state_name, "draft")

    def test_site_title_is_the_project_name(self):
        from {{ cookiecutter.package_name }} import PROJECT_NAME

        with self.admin_access.repo_cnx() as cnx:
            rset = cnx.execute("Any V WHERE P pkey 'ui.site-title', P value V")
            self.assertEqual(rset[0][0], PROJECT_NAME)
