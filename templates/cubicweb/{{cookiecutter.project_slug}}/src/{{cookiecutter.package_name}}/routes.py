"""Pyramid routes this application adds to CubicWeb's: the OWL ontology, the JSON search API
(``api.py``), the application's static files, the security tween and the health check tween
(``health.py``).

Included through ``cubicweb.includes`` in ``config/*.ini``. Entities themselves are served by
CubicWeb: HTML by the ``cubicweb-web`` cube, RDF by ``cubicweb.pyramid.rest_api``.
"""

from __future__ import annotations

from cubicweb.rdf import RDF_MIMETYPE_TO_FORMAT
from pyramid.config import Configurator
from pyramid.events import NewResponse
from pyramid.httpexceptions import HTTPNotAcceptable
from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request
from pyramid.response import Response

from cubicweb_{{ cookiecutter.package_name }}.vocabulary import ONTOLOGY_PATH

from .ontology import build_ontology

# The serialisations offered for the ontology, the first being the default for "*/*".
RDF_MEDIA_TYPES = ("text/turtle", "application/ld+json", "application/rdf+xml")
# cubicweb.pyramid.rest_api's routes: RDF for RDF media types, else cubicweb-web's HTML page.
ENTITY_ROUTES = ("one_entity", "one_entity_eid")


def negotiate_rdf(request: Request) -> str:
    if not request.accept:
        return RDF_MEDIA_TYPES[0]
    offers = request.accept.acceptable_offers(RDF_MEDIA_TYPES)
    if not offers:
        raise HTTPNotAcceptable(f"the ontology is available as {', '.join(RDF_MEDIA_TYPES)}")
    return offers[0][0]


def ontology(request: Request) -> Response:
    """The schema of this application's cube as OWL, in the RDF syntax the client asks for."""
    media_type = negotiate_rdf(request)
    repo = request.registry["cubicweb.repository"]
    # The configured base URL, as for every IRI of the data, not the request's host.
    graph = build_ontology(repo.schema, repo.config["base-url"])
    body = graph.serialize(format=RDF_MIMETYPE_TO_FORMAT[media_type])
    response = Response(body, content_type=media_type, charset="utf-8")
    response.vary = ("Accept",)
    return response


def vary_on_accept(event: NewResponse) -> None:
    """An entity's URL answers HTML or RDF by the Accept header: caches must key on it."""
    request, response = event.request, event.response
    try:
        path = request.path_info
    except UnicodeDecodeError:  # refused with 400 by the security tween
        return
    mapper = request.registry.getUtility(IRoutesMapper)
    routes = [mapper.get_route(name) for name in ENTITY_ROUTES]
    if any(route and route.match(path) is not None for route in routes):
        vary = tuple(response.vary or ())
        if "Accept" not in vary:
            response.vary = (*vary, "Accept")


def includeme(config: Configurator) -> None:
    config.add_route("ontology", f"/{ONTOLOGY_PATH}")
    config.add_view(ontology, route_name="ontology", request_method="GET")
    config.add_subscriber(vary_on_accept, NewResponse)
    config.include(".webcompat")
    config.include(".api")
    config.include(".security")
    config.include(".health")
    # The application's own files; CubicWeb's /data/ URLs redirect to a versioned path instead.
    config.add_static_view("static", "{{ cookiecutter.package_name }}:static", cache_max_age=3600)
