"""What ``webcompat.py`` patches must still exist in the installed cubicweb-web.

The patches replace names in cubicweb-web's modules at run time. After an upgrade that renames
or removes one, a patch would do nothing, silently: these tests fail instead, naming the patch to
revisit.
"""

import inspect
import types
from unittest import mock

from cubicweb_web import bwcompat, utils
from cubicweb_web import view as cubicweb_web_view
from cubicweb_web.views.tabs import TabsMixin
from pyramid.config import Configurator

from {{ cookiecutter.package_name }} import webcompat


def test_bwcompat_still_parses_controller_sources_through_its_inspect_name():
    source = inspect.getsource(bwcompat)
    assert isinstance(bwcompat.inspect, types.ModuleType | types.SimpleNamespace)
    for call in ("inspect.getsourcefile(", "inspect.getsourcelines("):
        assert call in source, f"cubicweb_web.bwcompat no longer calls {call}: revisit webcompat"


def test_views_still_write_pages_into_the_html_stream_name_webcompat_replaces():
    assert "HTMLStream(" in inspect.getsource(cubicweb_web_view), "revisit webcompat.HTML5Stream"
    assert issubclass(cubicweb_web_view.HTMLStream, utils.HTMLStream)
    # The attribute HTML5Stream removes is still what cubicweb-web writes on <html>.
    assert 'xmlns:cubicweb="http://www.cubicweb.org"' in inspect.getsource(utils.HTMLStream)


def test_the_tab_cookie_is_still_named_after_the_instance():
    tabs = mock.Mock(**{"_cw.vreg.config.appid": "site"})
    assert webcompat.is_tab_cookie(f"{TabsMixin.cookie_name.fget(tabs)}=main")


def test_includeme_patches_the_names(monkeypatch):
    monkeypatch.setattr(bwcompat, "inspect", bwcompat.inspect)
    monkeypatch.setattr(cubicweb_web_view, "HTMLStream", cubicweb_web_view.HTMLStream)
    webcompat.includeme(Configurator(settings={}))
    assert bwcompat.inspect.getsourcelines is webcompat.source_lines
    assert cubicweb_web_view.HTMLStream is webcompat.HTML5Stream
