"""``dashboard.firstvisit``: TCP_NODELAY on the server's connections, and the page shell that
preloads each page's widget code. (Chromium runs the shell in test_dashboard_browser.py.)"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from streamlit import file_util
from streamlit.testing.v1 import AppTest
from streamlit.web.server.starlette import starlette_server, starlette_static_routes

from dashboard import firstvisit
from dashboard.firstvisit import (
    ELEMENTS,
    IN_MAIN_BUNDLE,
    PAGE_ELEMENTS,
    SOURCE,
    label_tcp,
    no_delay,
    page_files,
    page_shell,
    serve_page_shell,
)
from tests.dashboard_seed import seed_database

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
STATIC = Path(file_util.get_static_dir())


def _listening(sock: socket.socket) -> socket.socket:
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    return sock


def _accepted_nodelay(listening: socket.socket) -> int:
    """TCP_NODELAY on the server's side of a connection asyncio accepts on ``listening``."""

    async def main() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listening)
        port = server.sockets[0].getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        value = await asyncio.wait_for(accepted, 10)
        writer.close()
        server.close()
        await server.wait_closed()
        return value

    return asyncio.run(main())


def test_a_socket_labelled_tcp_gets_nodelay_from_asyncio() -> None:
    # Streamlit's way of making its socket: protocol number 0. asyncio leaves Nagle on.
    assert _accepted_nodelay(_listening(socket.socket(socket.AF_INET))) == 0
    labelled = label_tcp(_listening(socket.socket(socket.AF_INET)))
    assert labelled.proto == socket.IPPROTO_TCP and not labelled.getblocking()
    assert _accepted_nodelay(labelled) != 0


def test_label_tcp_leaves_other_sockets_alone() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        assert label_tcp(udp) is udp
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) as tcp:
        assert label_tcp(tcp) is tcp


def test_no_delay_wraps_streamlits_socket_once(monkeypatch: pytest.MonkeyPatch) -> None:
    original = starlette_server._bind_socket
    monkeypatch.setattr(starlette_server, "_bind_socket", original)  # restored afterwards
    assert no_delay() is True
    wrapped = starlette_server._bind_socket
    assert wrapped is not original
    assert no_delay() is True and starlette_server._bind_socket is wrapped  # not twice
    sock = starlette_server._bind_socket("127.0.0.1", 0, 8)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert _accepted_nodelay(sock) != 0
    finally:
        sock.close()


def test_no_delay_changes_nothing_without_the_private_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(starlette_server, "_bind_socket")
    assert no_delay() is False
    assert not hasattr(starlette_server, "_bind_socket")


MANIFEST = {
    "../lib/src/components/widgets/Selectbox/Selectbox.tsx": {
        "file": "static/js/Selectbox.1.js",
        "imports": ["_Label.2.js", "_shared.3.js"],
    },
    "../lib/src/components/elements/Html/Html.tsx": {
        "file": "static/js/Html.4.js",
        "imports": ["_shared.3.js", "_core.5.js"],
    },
    "_Label.2.js": {"file": "static/js/Label.2.js", "imports": ["_shared.3.js"]},
    "_shared.3.js": {"file": "static/js/shared.3.js"},
    "_core.5.js": {"file": "static/js/core.5.js"},
}


def test_page_files_lists_imports_first_once_and_skips_the_shells_own() -> None:
    pages = {"papers": ("selectbox", "html", "text_input", "markdown"), "ingestion": ("html",)}
    found = page_files(MANIFEST, pages, skip='<link href="./static/js/core.5.js">')
    assert found["papers"] == [
        "static/js/shared.3.js",
        "static/js/Label.2.js",
        "static/js/Selectbox.1.js",
        "static/js/Html.4.js",  # core.5.js is in the shell already; text_input is unknown here
    ]
    assert found["ingestion"] == ["static/js/shared.3.js", "static/js/Html.4.js"]
    assert found[""] == []  # no reading list among these pages


def test_every_element_has_its_code_in_streamlits_manifest() -> None:
    manifest = json.loads((STATIC / "manifest.json").read_text())
    html = (STATIC / "index.html").read_text()
    for kind, component in ELEMENTS.items():
        entry = manifest.get(SOURCE.format(component))
        assert entry and entry.get("isDynamicEntry"), kind
    found = page_files(manifest, skip=html)
    assert set(found) == {"", *PAGE_ELEMENTS}
    assert found[""] == found["reading-list"]
    for page, files in found.items():
        assert files and len(files) == len(set(files)), page
        assert all((STATIC / f).is_file() and f not in html for f in files), page
    assert any("Selectbox" in f for f in found["papers"])
    assert not any("DateInput" in f for f in found["ingestion"])


def test_page_shell_adds_the_script_once_before_head_ends() -> None:
    files = {"papers": ["static/js/a.js"], "": []}
    html = "<html><head><title>x</title></head><body></body></html>"
    shell = page_shell(html, files, base_url="/papers/")
    assert shell.count("<script>") == 1 and shell.index("<script>") < shell.index("</head>")
    assert shell.replace(shell[shell.index("<script>") : shell.index("</head>")], "") == html
    assert 'var files = {"papers":["static/js/a.js"],"":[]}, root = "/papers";' in shell
    assert 'root = "";' in page_shell(html, files)
    assert page_shell("<p>no head</p>", files) == "<p>no head</p>"


def test_the_static_handler_answers_with_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    original = starlette_static_routes.create_streamlit_static_handler
    monkeypatch.setattr(starlette_static_routes, "create_streamlit_static_handler", original)
    assert serve_page_shell() is True
    handler = starlette_static_routes.create_streamlit_static_handler(str(STATIC), "tracker")
    scope: dict[str, Any] = {"type": "http", "method": "GET", "headers": [], "path": "/"}

    async def body(path: str) -> tuple[int, str, bytes]:
        response = await handler.get_response(path, dict(scope, path=f"/{path}"))
        content = getattr(response, "body", b"")
        return response.status_code, response.headers.get("Cache-Control", ""), content

    status, cache, shell = asyncio.run(body("papers"))  # a page: index.html, as the shell
    assert status == 200 and cache == "no-cache"
    assert b'root = "/tracker";' in shell and b"modulepreload" in shell
    assert asyncio.run(body("")) == (status, cache, shell)  # the app's address
    script = next(STATIC.glob("static/js/index.*.js")).name
    status, cache, content = asyncio.run(body(f"static/js/{script}"))  # not the shell
    assert status == 200 and "immutable" in cache and content == b""  # a file response


def _kinds(node: Any, out: set[str]) -> set[str]:
    out.add(str(getattr(node, "type", "")))
    children = getattr(node, "children", None) or {}
    for child in children.values() if isinstance(children, dict) else children:
        _kinds(child, out)
    return out


def test_each_page_declares_the_elements_it_draws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    seed_database(url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    pages = re.findall(r'\("views/(\w+)\.py", "([\w-]+)"', APP.read_text())
    assert sorted(path for _, path in pages) == sorted(PAGE_ELEMENTS)
    for view, url_path in pages:
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.run()
        if view != "reading_list":
            at.switch_page(f"views/{view}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        kinds = _kinds(at._tree, set()) - {""}
        assert kinds <= set(ELEMENTS) | IN_MAIN_BUNDLE, (url_path, kinds - IN_MAIN_BUNDLE)
        assert kinds & set(ELEMENTS) == set(PAGE_ELEMENTS[url_path]), url_path


def test_install_applies_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    monkeypatch.setattr(
        starlette_static_routes,
        "create_streamlit_static_handler",
        starlette_static_routes.create_streamlit_static_handler,
    )
    assert firstvisit.install() == {"no_delay": True, "page_shell": True}
