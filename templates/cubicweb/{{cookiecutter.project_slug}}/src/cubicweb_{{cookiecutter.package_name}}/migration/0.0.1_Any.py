"""Migration script for version 0.0.1, an example of a versioned one (it applies to databases
recorded below 0.0.1, which only the tests make).

``{{ cookiecutter.project_slug }} migrate`` (``cubicweb-ctl upgrade`` underneath) runs, in version order, the scripts
named ``<version>_Any.py`` that are newer than the version stored in the database and not newer
than the installed cube (``__pkginfo__``, from pyproject.toml). To change the schema:

1. edit ``schema.py``;
2. raise ``version`` in pyproject.toml and reinstall (``pip install -e .``);
3. add ``migration/<that version>_Any.py`` saying what changed, e.g.
   ``add_attribute("Article", "summary")``, ``add_entity_type("Tag")``,
   ``add_relation_definition("Article", "tagged", "Tag")``, ``drop_attribute(...)`` or
   ``sync_schema_props_perms("Article")`` for changed permissions and constraints;
4. run ``{{ cookiecutter.project_slug }} migrate`` (production refuses to start until it has).

CubicWeb does not diff schemas: a change without a script is not applied to existing databases.
Like ``postcreate.py``, this file is executed, not imported: ``rql``, ``commit``, ``config`` and
the schema commands above are injected by CubicWeb's migration context.
"""
# ruff: noqa: F821
# mypy: disable-error-code="name-defined"

# Entities created while no base URL was configured got "None<eid>" as their cwuri (their
# external IRI): give them one on this site's base URL. Running it again changes nothing.
base_url = config["base-url"]
if base_url:
    for (eid,) in rql("Any X WHERE X cwuri LIKE 'None%'"):
        rql("SET X cwuri %(uri)s WHERE X eid %(eid)s", {"uri": f"{base_url}{eid}", "eid": eid})
    commit()
