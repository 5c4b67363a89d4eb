"""Run by CubicWeb once, when an instance is created (or this cube is added to one).

The migration context provides ``add_workflow``, ``create_entity``, ``rql``, ``commit``,
``config``... as globals: this file is executed by ``cubicweb-ctl``, not imported.
"""
# The names above are injected by CubicWeb: tell ruff and mypy they are not undefined.
# ruff: noqa: F821
# mypy: disable-error-code="name-defined"

from cubicweb import _

# The title of every page of the web UI (cubicweb-web), editable later in the site preferences.
create_entity("CWProperty", pkey="ui.site-title", value={{ cookiecutter.project_name | py_str }})

# Members of "editors" may publish articles; create accounts in it through the UI or RQL.
create_entity("CWGroup", name=_("editors"))

article_wf = add_workflow(_("article publication"), "Article")
draft = article_wf.add_state(_("draft"), initial=True)
published = article_wf.add_state(_("published"))
article_wf.add_transition(_("publish"), (draft,), published, requiredgroups=("managers", "editors"))
article_wf.add_transition(
    _("unpublish"), (published,), draft, requiredgroups=("managers", "editors")
)
commit()
