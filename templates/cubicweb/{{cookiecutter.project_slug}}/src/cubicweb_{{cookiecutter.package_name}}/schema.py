"""The data model of the cube: authors write articles that go through a publication workflow.

Permissions live next to what they protect (entity types, attributes, relations). Groups:
``managers`` can do anything, ``users`` are authenticated accounts, ``guests`` is the anonymous
account, and ``editors`` (created by ``migration/postcreate.py``) may publish.
"""

from cubicweb import _
from cubicweb.schema import ERQLExpression, RRQLExpression, WorkflowableEntityType
from yams.buildobjs import EntityType, Int, RelationDefinition, String

# Anyone who may read an article and its author; only its owner or a manager may change it.
OWNER_OR_MANAGER = ("managers", ERQLExpression("X owned_by U"))
# Everybody reads published articles; drafts are for their owner, editors and managers.
# ("editors" is tested in RQL: a group named in __permissions__ must exist before the schema.)
PUBLISHED_OR_OWNED = (
    "managers",
    ERQLExpression("X in_state S, S name 'published'"),
    ERQLExpression("X owned_by U"),
    ERQLExpression("X is Article, U in_group G, G name 'editors'"),
)


class Author(EntityType):
    """Someone who writes articles."""

    __permissions__ = {
        "read": ("managers", "users", "guests"),
        "add": ("managers", "users"),
        "update": OWNER_OR_MANAGER,
        "delete": OWNER_OR_MANAGER,
    }
    # yams declares Definition.name (the type's own name) as a str: an attribute called "name"
    # is still how a yams schema spells it.
    name = String(required=True, unique=True, maxsize=128)  # type: ignore[assignment]
    homepage = String(maxsize=512, description=_("a URL about the author"))


class Article(WorkflowableEntityType):
    """A text that is drafted, then published by an editor."""

    __permissions__ = {
        "read": PUBLISHED_OR_OWNED,
        "add": ("managers", "users"),
        "update": OWNER_OR_MANAGER,
        "delete": OWNER_OR_MANAGER,
    }
    title = String(required=True, fulltextindexed=True, maxsize=200)
    body = String(fulltextindexed=True, description=_("the text of the article"))
    # Computed by hooks.ArticleWordCountHook: nobody sets it by hand.
    word_count = Int(
        __permissions__={"read": ("managers", "users", "guests"), "add": (), "update": ()},
    )
    # Only managers read and change the editorial note, even on a published article.
    editorial_note = String(
        maxsize=1024,
        __permissions__={
            "read": ("managers",),
            "add": ("managers", "users"),
            "update": ("managers",),
        },
    )


class written_by(RelationDefinition):
    """The author of an article; only the article's owner or a manager may set it."""

    # yams types the class default (a sentinel), not the dict every schema gives.
    __permissions__ = {  # type: ignore[assignment]
        "read": ("managers", "users", "guests"),
        "add": ("managers", RRQLExpression("S owned_by U")),
        "delete": ("managers", RRQLExpression("S owned_by U")),
    }
    subject = "Article"
    object = "Author"
    cardinality = "?*"
