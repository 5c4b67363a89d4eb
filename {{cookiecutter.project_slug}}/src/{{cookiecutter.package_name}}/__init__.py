"""The {{ cookiecutter.project_slug }} web application."""

PROJECT_NAME = {{ cookiecutter.project_name | py_str }}
DESCRIPTION = {{ cookiecutter.description | py_str }}
__version__ = "{{ cookiecutter.version }}"
