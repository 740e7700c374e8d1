"""The reference page: ``redocly build-docs`` from the bundle, one HTML file that renders offline.

``--inlineBundle`` embeds Redoc's script instead of loading it from Redocly's CDN. Redoc 3 still
shows a "API docs by Redocly" logo fetched from that CDN; the page gets a blank inline image in its
place, so opening it makes no network request at all. ``check_page`` opens the page in headless
Chromium (Debian's ``chromium``, driven by Playwright) with every non-local request refused, and
proves there is no console error and the operation, its 200 example and every error status are
visible; it saves a screenshot beside the page for reviewers.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Route, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from scripts.publishing.bundle import Bundle
from scripts.publishing.open_enums import resolve
from scripts.publishing.tools import OPENAPI, Command, PublishError, node_tool, run

BLANK_LOGO = "data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2280%22 height=%2216%22/%3E"
CDN_LOGO = re.compile(r"https://cdn\.redoc\.ly/redoc/logo-mini(?:-full)?\.svg")
REMOTE_RESOURCE = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["']?https?://""", re.IGNORECASE)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
OPERATION_PATH = "/v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress"


def build_docs(bundle: Bundle, out_dir: Path) -> Path:
    page = out_dir / f"{bundle.json_path.stem}.html"
    command: Command = [
        node_tool("redocly"), "build-docs", bundle.json_path, "--config", OPENAPI / "redocly.yaml",
        "--inlineBundle", "--title", str(bundle.document["info"]["title"]), "--output", page,
    ]  # fmt: skip
    run(command, what="redocly build-docs")
    html = CDN_LOGO.sub(BLANK_LOGO, page.read_text(encoding="utf-8"))
    remote = REMOTE_RESOURCE.findall(html)
    if remote:
        raise PublishError(f"{page.name} loads resources from the network, so it cannot render offline: {remote}")
    page.write_text(html, encoding="utf-8")
    return page


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def offline_tab(page: Path, problems: list[str], *, viewport: ViewportSize) -> Iterator[Page]:
    """`page` open in headless Chromium (Debian's, see `chromium()`) with every non-local request refused;
    console errors, page errors and network requests are added to `problems`."""
    browser_path = chromium()
    if browser_path is None:
        raise PublishError("no `chromium` on PATH (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=browser_path, args=CHROMIUM_ARGS, viewport=viewport
        )
        try:
            tab = browser.pages[0] if browser.pages else browser.new_page()

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    problems.append(f"console: {message.text}")

            def on_page_error(error: PlaywrightError) -> None:
                problems.append(f"page error: {error}")

            def offline(route: Route) -> None:  # the page must render with no network at all
                if route.request.url.startswith(LOCAL_SCHEMES):
                    route.continue_()
                else:
                    problems.append(f"network request: {route.request.url}")
                    route.abort()

            tab.on("console", on_console)
            tab.on("pageerror", on_page_error)
            tab.route("**/*", offline)
            try:
                tab.goto(page.resolve().as_uri(), wait_until="load")
            except PlaywrightError as error:  # what the page should show will be missing: the caller says what
                problems.append(f"browser: {error.message.splitlines()[0]}")
            yield tab
        finally:
            browser.close()


def check_page(page: Path, screenshot: Path, bundle: Bundle) -> list[str]:
    """Open the page in headless Chromium; raise PublishError unless it renders the operation cleanly."""
    browser_path = chromium()
    if browser_path is None:
        return ["SKIPPED reference-page: no `chromium` on PATH (Debian: apt-get install chromium)"]
    operation = bundle.document["paths"][OPERATION_PATH]["get"]
    statuses = sorted(operation["responses"])
    problems: list[str] = []
    with offline_tab(page, problems, viewport={"width": 1440, "height": 1000}) as tab:
        try:
            tab.get_by_text(OPERATION_PATH).first.click(timeout=15_000)
            summary = tab.get_by_text(operation["summary"], exact=True).first
            summary.wait_for(state="visible", timeout=15_000)
            problems.extend(visibility_problems(tab, operation, statuses))
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(
                path=str(screenshot), full_page=True
            )  # the operation with its 200 example, before the clicks below
            problems.extend(error_example_problems(tab, bundle, statuses))
        except PlaywrightError as error:  # the page did not render what is looked for
            problems.append(f"browser: {error.message.splitlines()[0]}")
    if problems:
        raise PublishError(f"the reference page {page.name} failed its browser test:\n  " + "\n  ".join(problems))
    browser_name = Path(browser_path).name
    outcome = (
        f"reference page {page.name}: renders offline in {browser_name}, no console error; the operation, "
        f"its 200 example and statuses {', '.join(statuses)} are visible; screenshot {screenshot}"
    )
    return [outcome]


def visibility_problems(tab: Page, _operation: dict[str, object], statuses: list[str]) -> list[str]:
    problems = []
    if not tab.get_by_text(OPERATION_PATH).first.is_visible():
        problems.append(f"the operation path {OPERATION_PATH} is not visible")
    for status in statuses:
        if not tab.get_by_role("tab", name=status, exact=True).first.is_visible():
            problems.append(f"no visible response tab for status {status}")
    # The 200 example, as the response sample panel shows it first.
    if not tab.get_by_text('"progress": 30').first.is_visible():
        problems.append("the 200 example is not visible")
    return problems


def error_example_problems(tab: Page, bundle: Bundle, statuses: list[str]) -> list[str]:
    """Each error status's tab in the response samples shows that status's example error code."""
    problems = []
    responses = bundle.document["paths"][OPERATION_PATH]["get"]["responses"]
    for status in (status for status in statuses if status != "200"):
        response = resolve(bundle.document, responses[status])
        assert isinstance(response, dict)
        code = response["content"]["application/json"]["example"]["error_code"]
        tab.get_by_role("tab", name=status, exact=True).last.click()
        if not tab.get_by_text(f'"{code}"').first.is_visible():
            problems.append(f"status {status}: its example (error_code {code}) is not visible after choosing its tab")
    return problems
