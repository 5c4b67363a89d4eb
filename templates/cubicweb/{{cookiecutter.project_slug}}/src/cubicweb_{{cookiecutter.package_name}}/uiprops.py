"""UI properties, loaded by cubicweb-web over its own ``data/uiprops.py`` (not imported).

``data`` and the properties (``STYLESHEETS``, colours...) are provided by cubicweb-web's
property sheet: tell ruff and mypy they are not undefined.
"""
# ruff: noqa: F821
# mypy: disable-error-code="name-defined"

# Links at 4.8:1 on the grey page and 6.2:1 on white (WCAG AA asks 4.5:1); the default orange
# is 2.8:1.
aColor = "#9c4a00"
STYLESHEETS.append(data("{{ cookiecutter.package_name }}.css"))
