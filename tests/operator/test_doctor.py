"""Issue 15: `maillage doctor`, one line per check, exit 1 if any fails; "cannot reach" offline."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cli_helpers import maillage, write_config


class FakeTelegram(BaseHTTPRequestHandler):
    """getMe answered for the token "good", refused for any other (as api.telegram.org does)."""

    def do_GET(self):  # noqa: N802 - the http.server API
        good = self.path.startswith("/botgood/")
        body = ({"ok": True, "result": {"id": 1, "is_bot": True, "username": "maillage_test_bot"}} if good
                else {"ok": False, "error_code": 401, "description": "Unauthorized"})
        data = json.dumps(body).encode()
        self.send_response(200 if good else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_telegram():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTelegram)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _lines(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        status, _, rest = line.partition("] ")
        name, _, detail = rest.strip().partition(" ")
        found.setdefault(name, []).append(f"{status.strip('[ ')} {detail.strip()}")
    return found


def test_a_healthy_installation_passes_every_check(tmp_path, fake_telegram):
    write_config(tmp_path, f'\n[telegram]\ntoken_env = "OP_TG"\napi_base_url = "{fake_telegram}"\n'
                           f'username = "maillage_test_bot"\n\n[web]\nport = {_free_port()}\n')
    assert maillage(["db", "upgrade"], tmp_path).returncode == 0
    result = maillage(["doctor"], tmp_path, env={"OP_TG": "good"})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = _lines(result)
    assert lines["telegram"] == ["ok token accepted: @maillage_test_bot"]
    assert lines["database"][0].startswith("ok sqlite") and lines["web"][0].startswith("ok ")
    assert lines["timezone"][0].startswith("ok Europe/Paris")
    assert {"config", "database", "telegram", "web", "timezone", "feeds"} <= set(lines)


def test_failures_are_named_and_exit_1(tmp_path, fake_telegram):
    write_config(tmp_path, f'\n[telegram]\ntoken_env = "OP_TG"\napi_base_url = "{fake_telegram}"\n'
                           '\n[discord]\ntoken_env = "OP_DC"\n')
    result = maillage(["doctor"], tmp_path, env={"OP_TG": "revoked"})  # never migrated, wrong token, no Discord
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = _lines(result)
    assert "run `maillage db upgrade`" in lines["database"][0] and lines["database"][0].startswith("FAIL")
    assert lines["telegram"][0].startswith("FAIL") and "refuses the token in OP_TG" in lines["telegram"][0]
    assert lines["discord"] == ["FAIL discord.token_env: environment variable OP_DC is not set: export OP_DC=... "
                                "(the bot token from https://discord.com/developers/applications, tab Bot)"]
    assert "platforms" not in lines


def test_a_config_without_platforms_says_what_to_add_and_a_missing_token_where_to_get_it(tmp_path):
    """Without a platform section doctor said nothing at all about platforms: a bot that reaches nobody."""
    write_config(tmp_path, f"\n[web]\nport = {_free_port()}\n")
    assert maillage(["db", "upgrade"], tmp_path).returncode == 0
    result = maillage(["doctor"], tmp_path)
    assert result.returncode == 0, "a warning: the web face and the console work without a platform"
    [line] = _lines(result)["platforms"]
    assert line.startswith("warn no [telegram] nor [discord] section")
    assert '[telegram] token_env = "TELEGRAM_TOKEN"' in line and '[discord] token_env = "DISCORD_TOKEN"' in line
    write_config(tmp_path, '\n[telegram]\ntoken_env = "OP_TG"\n')
    [missing] = _lines(maillage(["doctor"], tmp_path))["telegram"]
    assert missing.endswith("is not set: export OP_TG=... (the token @BotFather gives with /newbot)")


def test_an_unreachable_platform_is_a_warning_not_a_failure(tmp_path):
    write_config(tmp_path, f'\n[telegram]\ntoken_env = "OP_TG"\napi_base_url = "http://127.0.0.1:{_free_port()}"\n')
    assert maillage(["db", "upgrade"], tmp_path).returncode == 0
    result = maillage(["doctor"], tmp_path, env={"OP_TG": "good"})
    assert result.returncode == 0, result.stdout
    assert _lines(result)["telegram"][0].startswith("warn cannot reach")


def test_a_broken_config_is_one_failing_line_per_problem(tmp_path):
    (tmp_path / "config.toml").write_text('[network]\nname = "N"\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    result = maillage(["doctor"], tmp_path)
    assert result.returncode == 1
    assert _lines(result)["config"][0].startswith('FAIL network.timezone: unknown time zone "Mars/Olympus"')
