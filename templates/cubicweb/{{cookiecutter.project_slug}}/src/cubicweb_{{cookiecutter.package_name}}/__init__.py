"""The {{ cookiecutter.package_name }} cube: the data model, rules and adapters of {{ cookiecutter.project_slug }}.

CubicWeb finds cubes through the ``cubicweb.cubes`` entry point and imports them as
``cubicweb_<cube name>``: this package is the cube named ``{{ cookiecutter.package_name }}``.
"""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    """Called by CubicWeb's Pyramid setup for every cube of the instance: nothing to add yet."""
