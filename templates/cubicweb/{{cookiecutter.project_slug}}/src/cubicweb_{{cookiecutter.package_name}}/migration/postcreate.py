"""Run by CubicWeb once, when an instance is created (or this cube is added to one).

The migration context provides ``add_workflow``, ``create_entity``, ``rql``, ``config``...
as globals: this file is executed by ``cubicweb-ctl``, not imported.
"""

from cubicweb import _

from {{ cookiecutter.package_name }} import PROJECT_NAME

# The title of every page of the web UI (cubicweb-web), editable later in the site preferences.
create_entity("CWProperty", pkey="ui.site-title", value=PROJECT_NAME)  # noqa: F821

# Members of "editors" may publish articles; create accounts in it through the UI or RQL.
create_entity("CWGroup", name=_("editors"))  # noqa: F821

article_wf = add_workflow(_("article publication"), "Article")  # noqa: F821
draft = article_wf.add_state(_("draft"), initial=True)
published = article_wf.add_state(_("published"))
article_wf.add_transition(_("publish"), (draft,), published, requiredgroups=("managers", "editors"))
article_wf.add_transition(
    _("unpublish"), (published,), draft, requiredgroups=("managers", "editors")
)
commit()  # noqa: F821
