"""The front in a real browser: Debian's Chromium, headless, driven by Playwright against the local
stack (the applied local workspace, the local API behind its JWT authorizer, the front served on
127.0.0.1:8080 with the container's runtime configuration and security headers).

A technician signs in, types a conversation segment by segment and sees the form fill with the
source words highlighted, reloads mid-way and finds the draft, corrects a low-confidence field,
submits and the record is read back through the API. A coordinator retrains, sees the stages
progress to publish, reads the forecast chart drawn from the API's data and the reports.
Screenshots of each step go to out/browser/ (CI keeps them as artifacts).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from acogida.local.history import history_upload_csv
from acogida.local.intake_demo import DEMO_PASSWORD, DEMO_USERS, demo_conversations, sign_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "browser"
TECHNICIAN = next(user for user in DEMO_USERS if user.group == "technician")
COORDINATOR = next(user for user in DEMO_USERS if user.group == "coordinator")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is required for the browser tests: apt-get install chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        # Chromium's sandbox refuses to run as root (CI containers); elsewhere it stays on.
        arguments = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=arguments)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, local_stack: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES")
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    yield opened
    context.close()
    # A CSP violation or an uncaught exception is a failure even when the screen looked right.
    assert problems == []


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in_as(page: Page, front_url: str, username: str) -> None:
    page.goto(front_url)
    page.get_by_label("Correo electrónico").fill(username)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.locator("#account")).to_contain_text(username)


def api_read(api_url: str, token: str, path: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local API on loopback
        f"{api_url}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the local API
        answer: dict[str, Any] = json.load(response)
        return answer


def test_the_front_is_served_with_its_security_headers(local_stack: Any) -> None:
    with urllib.request.urlopen(f"{local_stack.front.url}/", timeout=10) as response:  # noqa: S310
        headers = response.headers
        page = response.read().decode("utf-8")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert local_stack.api.url in csp  # the API's origin is the one the page may call
    assert headers["X-Frame-Options"] == "DENY"
    assert re.search(r'<script type="module" src="/assets/app-[A-Z0-9]+\.js">', page)
    with urllib.request.urlopen(f"{local_stack.front.url}/config.json", timeout=10) as response:  # noqa: S310
        config = json.load(response)
    assert config["apiUrl"] == local_stack.api.url


def test_a_technician_takes_an_intake_in_the_browser(page: Page, local_stack: Any) -> None:
    front, api = local_stack.front.url, local_stack.api.url
    sign_in_as(page, front, TECHNICIAN.username)
    expect(page.get_by_role("heading", name="Nueva acogida")).to_be_visible()
    shot(page, "01-nueva-acogida")

    conversation = demo_conversations()[0]  # NIE by letters and groups, a family of four
    box = page.get_by_label("Texto (una intervención por línea)")
    add = page.locator("#segment-add")

    def say(speaker: str, text: str) -> None:
        box.fill(f"{'Técnico' if speaker == 'staff' else 'Persona'}: {text}")
        add.click()
        expect(box).to_have_value("")  # emptied once the API took the segment

    for speaker, text in conversation.segments[:4]:
        say(speaker, text)
    expect(page.locator("#field-given_name")).to_have_value("Fatima Zahra")
    expect(page.locator("#field-document_number")).to_have_value("X1234567L")
    expect(page.locator("#document-status")).to_contain_text("Documento válido")
    # The words each field came from are highlighted in the transcript and quoted under the field.
    expect(page.locator("#transcript mark", has_text="Fatima Zahra")).to_have_attribute(
        "data-fields", "given_name"
    )
    expect(page.locator("#source-given_name")).to_contain_text("«Fatima Zahra»")
    shot(page, "02-campos-rellenos")

    # A reload keeps the draft: the transcript and the form come back, and the next segments follow.
    page.reload()
    expect(page.locator("#transcript")).to_contain_text("me llamo Fatima Zahra El Amrani")
    expect(page.locator("#field-given_name")).to_have_value("Fatima Zahra")
    for speaker, text in conversation.segments[4:]:
        say(speaker, text)
    expect(page.locator("#field-birth_date")).to_have_value("1992-08-15")
    expect(page.locator("#field-household_size")).to_have_value("4")
    expect(page.locator("#need-legal")).to_be_checked()

    # Municipality came with low confidence: marked for review; the technician corrects it.
    municipality = page.locator('.field[data-field="municipality"]')
    expect(municipality).to_have_class(re.compile(r"\blow-confidence\b"))
    expect(municipality).to_contain_text("Revisar")
    shot(page, "03-revisar-municipio")
    page.get_by_label("Municipio").fill("Leganés")
    page.get_by_label("Municipio").press("Tab")
    expect(municipality).to_have_class(re.compile(r"\bfrom-technician\b"))
    expect(municipality).not_to_have_class(re.compile(r"\blow-confidence\b"))

    page.get_by_role("button", name="Registrar acogida").click()
    result = page.locator("#intake-result")
    expect(result).to_contain_text("Acogida registrada")
    shot(page, "04-registrada")
    match = re.search(r"Identificador: ([0-9a-f-]{32,36})", result.inner_text())
    assert match, result.inner_text()

    token = sign_in(local_stack.cognito, local_stack.client_id, TECHNICIAN.username, DEMO_PASSWORD)
    record = api_read(api, token, f"/intakes/{match.group(1)}")
    assert record["status"] == "submitted"
    assert record["segment_count"] == len(conversation.segments)
    assert record["fields"]["municipality"] == {"value": "Leganés", "confidence": 1.0, "source": "technician"}
    assert record["fields"]["document_number"]["value"] == "X1234567L"
    assert record["fields"]["needs"]["value"] == ["food", "legal"]
    # Submitted: nothing of the draft stays in the browser.
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('acogida.draft.'))") == []


def test_a_coordinator_retrains_and_reads_the_forecast(page: Page, local_stack: Any) -> None:
    # Two years of history arrive the way a coordinator's export does: a bulk upload under uploads/.
    today = dt.datetime.now(dt.UTC).date()
    s3 = local_stack.target.client("s3")
    s3.put_object(
        Bucket=local_stack.raw_bucket,
        Key=f"uploads/historico-navegador-{today.isoformat()}.csv",
        Body=history_upload_csv(today - dt.timedelta(days=730), today - dt.timedelta(days=1)),
    )
    assert local_stack.runtime.lake.drain().upload_failures == 0

    sign_in_as(page, local_stack.front.url, COORDINATOR.username)
    page.get_by_role("link", name="Reentrenar").click()
    page.get_by_role("button", name="Reentrenar y publicar la previsión").click()
    stages = page.locator("#run-stages li")
    expect(page.locator('#run-stages li[data-status="in_progress"]')).to_have_count(1, timeout=30_000)
    shot(page, "05-reentrenar-en-curso")
    # The screen says how the run ended once it has; a failure names its stage and reason.
    expect(page.locator("#retrain-message")).not_to_be_empty(timeout=300_000)
    statuses = stages.evaluate_all("items => items.map(item => item.dataset.status)")
    assert statuses == ["succeeded"] * 5, page.locator("#run-stages").inner_text()
    expect(page.locator("#retrain-message")).to_contain_text("Previsión publicada")
    shot(page, "06-reentrenar-publicado")

    page.get_by_role("link", name="Previsión").click()
    page.get_by_label("Perfil profesional").select_option("social_worker")
    page.get_by_role("button", name="Ver previsión").click()
    chart = page.locator("#forecast-chart svg")
    expect(chart.locator("polyline.median")).to_be_visible()
    expect(chart.locator("polygon.band")).to_be_visible()
    expect(chart.locator("polyline.observed")).to_be_visible()
    shot(page, "07-prevision")

    # The chart and table show what the API serves: the four weeks from today (from tomorrow when
    # today's intakes are already in the demand the model saw).
    token = sign_in(local_stack.cognito, local_stack.client_id, COORDINATOR.username, DEMO_PASSWORD)
    start = page.locator("#forecast-start").input_value()
    end = page.locator("#forecast-end").input_value()
    query = f"workforce_type=social_worker&start={start}&end={end}"
    served = api_read(local_stack.api.url, token, f"/forecast?{query}")
    assert len(served["days"]) >= 27
    assert served["history"]
    rows = page.locator("#forecast-table tbody tr")
    expect(rows).to_have_count(len(served["days"]))
    median_points = chart.locator("polyline.median").get_attribute("points") or ""
    assert len(median_points.split()) == len(served["days"])
    first = served["days"][0]
    expect(rows.first.locator("th")).to_have_text(first["date"])
    expect(rows.first.locator("td").nth(1)).to_have_text(f"{first['p50']:.1f}".replace(".", ","))
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar CSV").click()
    csv_lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert csv_lines[0] == "fecha,oficina,perfil,tipo,observado,p10,p50,p90"
    assert len(csv_lines) == 1 + len(served["history"]) + len(served["days"])

    page.get_by_role("link", name="Informes").click()
    links = page.locator("#reports-list a")
    expect(links.first).to_be_visible()
    names = links.all_inner_texts()
    assert f"prevision-{COORDINATOR.office}.png" in names
    shot(page, "08-informes")
