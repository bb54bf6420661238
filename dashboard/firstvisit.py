"""What a new browser waits for on its first visit, made shorter by the launcher.

:mod:`dashboard.serve` calls :func:`install` before it hands over to ``streamlit run``. Three
waits of Streamlit's own go (docs/benchmarks.md, round 12):

- **Nagle's delay** (:func:`no_delay`). Streamlit binds its listening socket with protocol
  number 0, and asyncio turns on ``TCP_NODELAY`` only for sockets labelled ``IPPROTO_TCP``.
  Every response after the first on a kept-alive connection then waited about 40 ms for the
  browser's delayed acknowledgement; a new browser fetches Streamlit's 59 script files over 6
  connections, about 0.4 s of waiting, and the websocket's messages waited too.
- **The base-path probe.** Opened at ``/papers``, Streamlit's frontend cannot tell whether
  ``papers`` is a page or the prefix the app is served under, so it asks for
  ``/papers/_stcore/health``, gets a 404, and tries ``/`` 0.1–0.16 s later. The page shell
  (:func:`page_shell`) says where the server is (``window.__streamlit``, the frontend's
  embedding settings) whenever the address ends in one of our pages.
- **Widget code after the script.** Each element's frontend code is a separate file, fetched
  only once the element has arrived and is drawn, one element kind after another. The page
  shell asks for the files of the page's elements with the bundle (``modulepreload``),
  found by name in Streamlit's build manifest (:func:`page_files`).

Each step leaves Streamlit as it is if a version lacks what it wraps (:mod:`dashboard.serve`
then says so on stderr).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

ELEMENTS: dict[str, str] = {
    "button_group": "widgets/ButtonGroup/ButtonGroup",
    "checkbox": "widgets/Checkbox/Checkbox",
    "date_input": "widgets/DateInput/DateInput",
    "download_button": "widgets/DownloadButton/DownloadButton",
    "html": "elements/Html/Html",
    "metric": "elements/Metric/Metric",
    "multiselect": "widgets/Multiselect/Multiselect",
    "number_input": "widgets/NumberInput/NumberInput",
    "selectbox": "widgets/Selectbox/Selectbox",
    "text_input": "widgets/TextInput/TextInput",
    "toggle": "widgets/Checkbox/Checkbox",
}
"""Element kinds (as ``AppTest`` names them) → their frontend component in Streamlit's source
tree, whose code the browser fetches when the element is first drawn."""

IN_MAIN_BUNDLE = frozenset({
    "root", "main", "sidebar", "event", "column", "flex_container", "expander",
    "title", "header", "subheader", "caption", "markdown", "text", "divider",
    "info", "success", "warning", "error", "exception", "empty",
})  # fmt: skip
"""Element kinds whose code is in Streamlit's main bundle, loaded with the page itself."""

PAGE_ELEMENTS: dict[str, tuple[str, ...]] = {
    "reading-list": (
        "button_group", "selectbox", "multiselect", "toggle", "download_button", "html",
    ),
    "venue-changes": ("button_group", "selectbox", "metric", "html"),
    "papers": (
        "button_group", "text_input", "multiselect", "selectbox", "date_input", "number_input",
        "html",
    ),
    "ccf": ("button_group", "selectbox", "multiselect", "text_input", "html"),
    "trends": ("button_group", "selectbox", "html"),
    "ingestion": ("button_group", "html"),
}  # fmt: skip
"""The element kinds each page (by ``url_path``) draws with its default filters; a test checks
this against every page run in ``AppTest``. The bare address forwards to the reading list."""

SOURCE = "../lib/src/components/{}.tsx"
"""How Streamlit's build manifest names a component's source file."""


def no_delay() -> bool:
    """Have the server send each response at once: ``TCP_NODELAY`` on every connection.

    Wraps Streamlit's private ``_bind_socket`` so its socket is labelled ``IPPROTO_TCP`` (a
    TCP stream socket is one whatever its label), which makes asyncio set ``TCP_NODELAY`` on
    each accepted connection. Returns False, and changes nothing, if Streamlit has no such
    function.
    """
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:
        return False
    bind: Callable[..., socket.socket] | None = getattr(starlette_server, "_bind_socket", None)
    if bind is None:
        return False
    if getattr(bind, "labels_tcp", False):
        return True

    def bind_tcp(*args: Any, **kwargs: Any) -> socket.socket:
        sock = bind(*args, **kwargs)
        return label_tcp(sock)

    bind_tcp.labels_tcp = True  # type: ignore[attr-defined]
    starlette_server._bind_socket = bind_tcp
    return True


def label_tcp(sock: socket.socket) -> socket.socket:
    """The same TCP socket, labelled ``IPPROTO_TCP`` (other sockets are returned as they are)."""
    if sock.type != socket.SOCK_STREAM or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return sock
    if sock.proto == socket.IPPROTO_TCP:
        return sock
    blocking = sock.getblocking()
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.setblocking(blocking)
    return tcp


def page_files(
    manifest: Mapping[str, Any],
    pages: Mapping[str, Iterable[str]] = PAGE_ELEMENTS,
    skip: str = "",
) -> dict[str, list[str]]:
    """Each page's frontend files: its elements' components and everything they import.

    ``manifest`` is Streamlit's build manifest (source → ``{"file", "imports"}``); files named
    in ``skip`` (the page shell, which already loads them) are left out, and so are elements
    the manifest does not know. Files come dependencies first.
    """
    found = {
        page: [
            file
            for file in _with_imports(
                manifest, [SOURCE.format(ELEMENTS[k]) for k in kinds if k in ELEMENTS]
            )
            if file not in skip
        ]
        for page, kinds in pages.items()
    }
    found.setdefault("", found.get("reading-list", []))
    return found


def _with_imports(manifest: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    """The files of manifest entries ``keys`` and of everything they import, imports first."""
    files: list[str] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key in seen or key not in manifest:
            return
        seen.add(key)
        for dependency in manifest[key].get("imports", ()):
            visit(dependency)
        files.append(manifest[key]["file"])

    for key in keys:
        visit(key)
    return files


SHELL_SCRIPT = """<script>
/* Paper Tracker (dashboard/firstvisit.py): fetch this page's widget code now and, at one of
   our pages, say where the server is, so the frontend does not probe <page>/_stcore/health. */
(function () {
  var files = %(files)s, root = %(root)s;
  var path = location.pathname.replace(/\\/+$/, "");
  var cut = path.lastIndexOf("/");
  var name = path === root ? "" : path.slice(cut + 1);
  if (!Object.prototype.hasOwnProperty.call(files, name)) return;
  var page = files[name];
  if (name) window.__streamlit = Object.assign(
    {BACKEND_BASE_URL: location.origin + path.slice(0, cut + 1)}, window.__streamlit);
  page.forEach(function (file) {
    var link = document.createElement("link");
    link.rel = "modulepreload";
    link.crossOrigin = "";
    link.href = "./" + file;
    document.head.appendChild(link);
  });
})();
</script>
"""
"""Added to the page shell. ``files`` maps page names to files (:func:`page_files`; ``""`` is
the app's bare address); ``root`` is the app's address path (``/`` + ``server.baseUrlPath``, or
empty). At ``<root>/<page>`` the server is at ``<root>/``; the bare address needs no help."""


def page_shell(html: str, files: Mapping[str, list[str]], base_url: str | None = None) -> str:
    """Streamlit's ``index.html`` with :data:`SHELL_SCRIPT` at the end of its ``<head>``.

    ``base_url`` is Streamlit's ``server.baseUrlPath``. Returns ``html`` unchanged if it has
    no ``</head>``.
    """
    if "</head>" not in html:
        return html
    base = (base_url or "").strip("/")
    script = SHELL_SCRIPT % {
        "files": json.dumps(dict(files), separators=(",", ":")),
        "root": json.dumps(f"/{base}" if base else ""),
    }
    return html.replace("</head>", script + "</head>", 1)


def serve_page_shell() -> bool:
    """Serve :func:`page_shell` in place of Streamlit's ``index.html``.

    Wraps Streamlit's private ``create_streamlit_static_handler`` so that every response that
    would send ``index.html`` (the app's address and each page's) sends the page shell.
    Returns False, and changes nothing, if Streamlit has no such function.
    """
    try:
        from streamlit.web.server.starlette import starlette_static_routes as routes
    except ImportError:
        return False
    create: Callable[..., Any] | None = getattr(routes, "create_streamlit_static_handler", None)
    if create is None:
        return False
    if getattr(create, "serves_shell", False):
        return True

    def create_with_shell(directory: str, base_url: str | None, *args: Any, **kwargs: Any) -> Any:
        handler = create(directory, base_url, *args, **kwargs)
        static = Path(directory)
        if (static / "index.html").is_file() and (static / "manifest.json").is_file():
            handler.get_response = _shell_responder(handler.get_response, static, base_url)
        return handler

    create_with_shell.serves_shell = True  # type: ignore[attr-defined]
    routes.create_streamlit_static_handler = create_with_shell
    return True


def _shell_responder(
    get_response: Callable[..., Awaitable[Any]], static: Path, base_url: str | None
) -> Callable[..., Awaitable[Any]]:
    """``get_response`` of Streamlit's static files, answering with the page shell for its
    ``index.html`` (built once, here)."""
    from starlette.responses import Response

    index = (static / "index.html").resolve()
    html = index.read_text(encoding="utf-8")
    manifest = json.loads((static / "manifest.json").read_text(encoding="utf-8"))
    shell = page_shell(html, page_files(manifest, skip=html), base_url).encode()

    async def respond(path: str, scope: Any) -> Any:
        response = await get_response(path, scope)
        served = str(getattr(response, "path", ""))
        if response.status_code != 200 or not served.endswith("index.html"):
            return response
        if Path(served).resolve() != index:
            return response
        cache = response.headers.get("Cache-Control", "no-cache")
        return Response(shell, media_type="text/html", headers={"Cache-Control": cache})

    return respond


def install() -> dict[str, bool]:
    """Apply every step; returns which ones took (all True with the Streamlit we pin)."""
    return {"no_delay": no_delay(), "page_shell": serve_page_shell()}
