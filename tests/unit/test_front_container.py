"""The front's container: render-config.sh, nginx.conf (served by Debian's nginx) and the Dockerfile."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

from tests.conftest import find_free_port

REPO = Path(__file__).resolve().parents[2]
FRONT = REPO / "src" / "front"
CONTAINER = FRONT / "container"
RENDER = CONTAINER / "render-config.sh"
OUTPUTS = {"config.json", "content-security-policy.txt", "security-headers.conf"}
CONFIG_KEYS = {
    "apiUrl",
    "region",
    "userPoolId",
    "clientId",
    "identityPoolId",
    "transcribeRegion",
    "cognitoEndpoint",
}

AWS_ENV = {
    "API_URL": "https://a1b2c3d4e5.execute-api.eu-south-2.amazonaws.com/",
    "COGNITO_USER_POOL_ID": "eu-south-2_AbC123xyz",
    "COGNITO_CLIENT_ID": "4vk1e3ab0c5d6e7f8g9h0i1j2k",
    "COGNITO_IDENTITY_POOL_ID": "eu-south-2:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    "AWS_REGION": "eu-south-2",
    "TRANSCRIBE_REGION": "eu-west-1",
}
LOCAL_ENV = {
    "API_URL": "http://127.0.0.1:5000/local/api",
    "COGNITO_USER_POOL_ID": "eu-south-2_Local1",
    "COGNITO_CLIENT_ID": "localclient123",
    "COGNITO_IDENTITY_POOL_ID": "eu-south-2:11111111-2222-3333-4444-555555555555",
    "AWS_REGION": "eu-south-2",
    "TRANSCRIBE_REGION": "eu-west-1",
    "COGNITO_ENDPOINT": "http://127.0.0.1:5000/",
}

CSP_HEAD = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'"
)
CSP_TAIL = (
    "media-src 'self' blob:; worker-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)
AWS_CSP = (
    f"{CSP_HEAD} https://a1b2c3d4e5.execute-api.eu-south-2.amazonaws.com "
    "https://cognito-idp.eu-south-2.amazonaws.com https://cognito-identity.eu-south-2.amazonaws.com "
    f"wss://transcribestreaming.eu-west-1.amazonaws.com:8443; {CSP_TAIL}"
)
LOCAL_CSP = (
    f"{CSP_HEAD} http://127.0.0.1:5000 http://127.0.0.1:5000 "
    f"wss://transcribestreaming.eu-west-1.amazonaws.com:8443; {CSP_TAIL}"
)

INDEX_HTML = '<!doctype html><html lang="es"><script src="/assets/app-abc.js"></script></html>\n'
APP_JS = "export const app = 'acogida';\n" * 64


def render(env: dict[str, str], runtime_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run render-config.sh with exactly these variables (and PATH) under the system sh."""
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "FRONT_RUNTIME_DIR": str(runtime_dir), **env}
    return subprocess.run(["sh", str(RENDER)], env=full_env, capture_output=True, text=True, check=False)


def rendered(env: dict[str, str], runtime_dir: Path) -> Path:
    completed = render(env, runtime_dir)
    assert completed.returncode == 0, completed.stderr
    return runtime_dir


def find_nginx() -> str:
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/sbin"
    nginx = shutil.which("nginx", path=path)
    if nginx is None:
        pytest.fail(
            "nginx is not installed: install Debian's nginx (apt-get install -y nginx-light or nginx)"
        )
    return nginx


@pytest.mark.parametrize(
    ("env", "csp", "cognito_endpoint"),
    [(AWS_ENV, AWS_CSP, None), (LOCAL_ENV, LOCAL_CSP, "http://127.0.0.1:5000")],
    ids=["aws", "local"],
)
def test_valid_environment_renders_the_three_files(tmp_path, env, csp, cognito_endpoint):
    out = rendered(env, tmp_path / "runtime")
    assert {path.name for path in out.iterdir()} == OUTPUTS
    config = json.loads((out / "config.json").read_text())
    assert set(config) == CONFIG_KEYS
    assert config["apiUrl"] == env["API_URL"].removesuffix("/")
    assert config["region"] == env["AWS_REGION"]
    assert config["userPoolId"] == env["COGNITO_USER_POOL_ID"]
    assert config["clientId"] == env["COGNITO_CLIENT_ID"]
    assert config["identityPoolId"] == env["COGNITO_IDENTITY_POOL_ID"]
    assert config["transcribeRegion"] == env["TRANSCRIBE_REGION"]
    assert config["cognitoEndpoint"] == cognito_endpoint
    assert (out / "content-security-policy.txt").read_text() == csp + "\n"
    headers = (out / "security-headers.conf").read_text().splitlines()
    assert headers == [
        f'add_header Content-Security-Policy "{csp}" always;',
        'add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;',
        'add_header X-Content-Type-Options "nosniff" always;',
        'add_header X-Frame-Options "DENY" always;',
        'add_header Referrer-Policy "no-referrer" always;',
        'add_header Permissions-Policy "microphone=(self), camera=(), geolocation=(), payment=()" always;',
        'add_header Cross-Origin-Opener-Policy "same-origin" always;',
        'add_header Cross-Origin-Resource-Policy "same-origin" always;',
    ]


def test_the_api_origin_drops_the_path_and_config_keeps_it(tmp_path):
    env = {**AWS_ENV, "API_URL": "https://api.example.org:8443/v1/intake/"}
    out = rendered(env, tmp_path)
    assert json.loads((out / "config.json").read_text())["apiUrl"] == "https://api.example.org:8443/v1/intake"
    csp = (out / "content-security-policy.txt").read_text()
    assert "connect-src 'self' https://api.example.org:8443 https://cognito-idp." in csp


def test_rendering_again_replaces_the_files_and_leaves_no_temporaries(tmp_path):
    rendered(AWS_ENV, tmp_path)
    out = rendered(LOCAL_ENV, tmp_path)
    assert {path.name for path in out.iterdir()} == OUTPUTS
    assert json.loads((out / "config.json").read_text())["cognitoEndpoint"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("API_URL", None),
        ("API_URL", ""),
        ("API_URL", "http://api.example.org"),
        ("API_URL", "ftp://api.example.org"),
        ("API_URL", "https://api.example.org/x';alert(1)"),
        ("API_URL", 'https://api.example.org" always; add_header X-Evil "1'),
        ("API_URL", "https://api.example.org; script-src *"),
        ("API_URL", "https://api.example.org/a,b"),
        ("API_URL", "https://api example.org"),
        ("API_URL", "https://api.example.org\nadd_header X-Evil 1;"),
        ("API_URL", "http://127.0.0.1.evil.org:5000"),
        ("COGNITO_USER_POOL_ID", None),
        ("COGNITO_USER_POOL_ID", "eu-south-2AbC123"),
        ("COGNITO_USER_POOL_ID", 'eu-south-2_AbC"123'),
        ("COGNITO_CLIENT_ID", None),
        ("COGNITO_CLIENT_ID", "abc-def"),
        ("COGNITO_IDENTITY_POOL_ID", None),
        ("COGNITO_IDENTITY_POOL_ID", "eu-south-2_0f1e2d3c"),
        ("COGNITO_IDENTITY_POOL_ID", "eu-south-2:0F1E-XYZ"),
        ("AWS_REGION", None),
        ("AWS_REGION", "EU-south-2"),
        ("AWS_REGION", "eu-south-2; x"),
        ("TRANSCRIBE_REGION", None),
        ("TRANSCRIBE_REGION", "eu-west"),
        ("COGNITO_ENDPOINT", "http://10.0.0.1:5000"),
        ("COGNITO_ENDPOINT", "http://127.0.0.1:5000/path"),
        ("COGNITO_ENDPOINT", "https://cognito.example.org'"),
    ],
)
def test_an_invalid_variable_exits_2_names_it_and_writes_nothing(tmp_path, name, value):
    env = dict(AWS_ENV)
    if value is None:
        del env[name]
    else:
        env[name] = value
    out = tmp_path / "runtime"
    out.mkdir()
    completed = render(env, out)
    assert completed.returncode == 2, completed.stderr
    assert name in completed.stderr
    assert list(out.iterdir()) == []


def test_every_invalid_variable_is_reported_at_once(tmp_path):
    completed = render({"AWS_REGION": "nowhere"}, tmp_path / "runtime")
    assert completed.returncode == 2
    for name in ("API_URL", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "AWS_REGION", "TRANSCRIBE_REGION"):
        assert name in completed.stderr
    assert not (tmp_path / "runtime").exists()


def test_the_scripts_pass_shellcheck_or_at_least_parse():
    scripts = [str(RENDER), str(CONTAINER / "entrypoint.sh")]
    shellcheck = shutil.which("shellcheck")
    command = [shellcheck, "--shell=sh", *scripts] if shellcheck else ["sh", "-n", *scripts]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


@dataclass(frozen=True)
class Site:
    """nginx.conf adapted to temporary paths, with the runtime files and a built app."""

    nginx: str
    prefix: Path
    conf: Path
    runtime: Path
    html: Path
    port: int

    def command(self, *extra: str) -> list[str]:
        directives = "daemon off;"
        if os.geteuid() == 0:
            # As root, nginx would run its workers as nobody, who cannot read pytest's 0700 dirs.
            directives += " user root;"
        return [
            self.nginx,
            "-e",
            "stderr",
            "-p",
            str(self.prefix),
            "-c",
            str(self.conf),
            "-g",
            directives,
            *extra,
        ]


def adapt_config(text: str, replacements: dict[str, str]) -> str:
    """Replace each container path (it must occur) with its test counterpart."""
    for original, replacement in replacements.items():
        assert original in text, original
        text = text.replace(original, replacement)
    return text


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    prefix = tmp_path_factory.mktemp("nginx")
    runtime = rendered(AWS_ENV, prefix / "runtime")
    html = prefix / "html"
    (html / "assets").mkdir(parents=True)
    (html / "index.html").write_text(INDEX_HTML)
    (html / "assets" / "app-abc.js").write_text(APP_JS)
    (html / ".env").write_text("SECRET=1\n")
    (prefix / "cache").mkdir()
    shutil.copy("/etc/nginx/mime.types", prefix / "mime.types")
    port = find_free_port()
    text = adapt_config(
        (CONTAINER / "nginx.conf").read_text(),
        {
            "/run/acogida-front": str(runtime),
            "/usr/share/nginx/html": str(html),
            "/var/cache/nginx": str(prefix / "cache"),
            "/tmp/nginx.pid": str(prefix / "nginx.pid"),
            "listen 8080;": f"listen 127.0.0.1:{port};",
        },
    )
    conf = prefix / "nginx.conf"
    conf.write_text(text)
    return Site(find_nginx(), prefix, conf, runtime, html, port)


def test_nginx_accepts_the_configuration(site):
    completed = subprocess.run(site.command("-t"), capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "test is successful" in completed.stderr


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """GET url; HTTP errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    log = (site.prefix / "nginx.log").open("w")
    process = subprocess.Popen(site.command(), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{site.port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, (site.prefix / "nginx.log").read_text()
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not answer within 10 s"
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def assert_security_headers(headers: Message) -> None:
    csp = headers.get_all("Content-Security-Policy") or []
    assert csp == [AWS_CSP]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Permissions-Policy"] == "microphone=(self), camera=(), geolocation=(), payment=()"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers.get("Server", "nginx") == "nginx"


def test_healthz_answers_ok(server):
    status, headers, body = fetch(f"{server}/healthz")
    assert (status, body) == (200, b"ok")
    assert headers.get_content_type() == "text/plain"


def test_config_json_is_the_rendered_file_never_cached(server, site):
    status, headers, body = fetch(f"{server}/config.json")
    assert status == 200
    assert body == (site.runtime / "config.json").read_bytes()
    assert headers.get_content_type() == "application/json"
    assert headers.get_all("Cache-Control") == ["no-store"]
    assert_security_headers(headers)


@pytest.mark.parametrize("path", ["/", "/index.html", "/intakes/123/edit"])
def test_the_app_and_its_routes_serve_index_html_revalidated(server, path):
    status, headers, body = fetch(f"{server}{path}")
    assert status == 200
    assert body.decode() == INDEX_HTML
    assert headers.get_content_type() == "text/html"
    assert headers.get_all("Cache-Control") == ["no-cache"]
    assert_security_headers(headers)


def test_hashed_assets_are_immutable_and_carry_the_security_headers(server):
    status, headers, body = fetch(f"{server}/assets/app-abc.js")
    assert status == 200
    assert body.decode() == APP_JS
    assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert_security_headers(headers)


def test_assets_are_gzipped_when_the_client_accepts_it(server):
    status, headers, body = fetch(f"{server}/assets/app-abc.js", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body).decode() == APP_JS


@pytest.mark.parametrize("path", ["/.env", "/assets/.env", "/.git/config", "/assets/missing-123.js"])
def test_dotfiles_and_missing_assets_are_404(server, path):
    status, headers, _ = fetch(f"{server}{path}")
    assert status == 404
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_large_request_body_is_refused(server):
    request = urllib.request.Request(f"{server}/", data=b"x" * 32 * 1024, method="POST")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310
    assert refused.value.code == 413


def test_the_access_log_is_json_without_query_strings(server, site):
    fetch(f"{server}/index.html?dni=12345678Z")
    lines = [line for line in (site.prefix / "nginx.log").read_text().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert any(entry["uri"] == "/index.html" for entry in entries)
    assert all("12345678Z" not in line for line in lines)


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions, split per stage (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", (FRONT / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("FROM "):
            stages.append([])
        stages[-1].append(stripped)
    return stages


def test_the_dockerfile_builds_with_npm_ci_and_runs_nginx_as_101_on_8080():
    stages = dockerfile_stages()
    assert len(stages) == 2
    build, final = stages
    for stage in stages:
        image = next(word for word in stage[0].split()[1:] if not word.startswith("--"))
        name, _, tag = image.partition(":")
        assert tag, f"{name} is not pinned by tag"
        assert tag != "latest"
    assert build[0].startswith("FROM --platform=$BUILDPLATFORM node:")
    assert "RUN npm ci --ignore-scripts --no-audit --no-fund" in build
    assert "RUN npm run build" in build
    assert final[0] == "FROM nginx:1.27-alpine"
    assert "USER 101" in final
    assert "EXPOSE 8080" in final
    assert final[-1] == 'ENTRYPOINT ["/usr/local/bin/acogida-front-entrypoint"]'
    copies = [line for line in final if line.startswith("COPY ")]
    assert any(
        line.endswith("container/entrypoint.sh /usr/local/bin/acogida-front-entrypoint") for line in copies
    )
    assert any(
        line.endswith("container/render-config.sh /usr/local/bin/acogida-render-config") for line in copies
    )
    assert "COPY container/nginx.conf /etc/nginx/nginx.conf" in final
    assert "/usr/local/bin/acogida-render-config" in (CONTAINER / "entrypoint.sh").read_text()
    container_sources = [
        word for line in copies for word in line.split()[1:-1] if word.startswith("container/")
    ]
    assert container_sources
    for source in container_sources:
        assert (FRONT / source).is_file(), source


def test_the_dockerignore_keeps_the_container_files():
    patterns = [
        line.strip()
        for line in (FRONT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {"**/node_modules", "dist", "container/README.md"} <= set(patterns)
    assert not any(
        pattern in {"container", "container/", "container/*", "*.sh", "*.conf"} for pattern in patterns
    )
