"""The {{ cookiecutter.project_slug }} web application."""

PROJECT_NAME = {{ cookiecutter.project_name | py_str }}
DESCRIPTION = {{ cookiecutter.description | py_str }}
__version__ = "{{ cookiecutter.version }}"
{#- A framework may add to the package: templates/<framework>/package_init.jinja. #}
{%- include cookiecutter.framework ~ "/package_init.jinja" ignore missing %}
