"""A recording fake of the Slack Web API, served on 127.0.0.1.

Point SLACK_API_URL at `FakeSlack.api_url` and every Web API call the bot makes is answered like Slack would and
recorded, so tests can assert on what was sent. It also receives `response_url` posts and file uploads, and can be
told to fail the next call to a method (a 429 with Retry-After, or a Slack error such as channel_not_found).
It is as strict as Slack: a call Slack would refuse (bot/console/slack_rules.py) is answered with Slack's error
and listed in `refusals()`; the test fixtures fail a test that made one. The offline console runs the real app
against it.
"""

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from bot.console import slack_rules

JSON_FIELDS = ("blocks", "attachments", "view", "files", "channels", "metadata")


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    # Slack's error name when the fake refused the call as Slack would, and what Slack would warn about.
    error: str | None = None
    detail: str = ""
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.method} refused with {self.error} ({self.detail})" if self.error else self.method

    def text_content(self) -> str:
        """Everything in the call a person could read, as one string (for 'never echoed' assertions)."""
        return json.dumps(self.args, ensure_ascii=False)


@dataclass
class _Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    where: Callable[[dict[str, Any]], bool] | None = None


class FakeSlack:
    def __init__(self, *, team_id: str = "T1", bot_user_id: str = "UPARTNERBOT") -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        # Where apps.connections.open sends a Socket Mode client (a local WebSocket server in tests).
        self.socket_mode_url: str | None = None
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        # What the bot posted, per channel, for conversations.history (a DM sent to a user id lands in its D channel).
        self._history: dict[str, list[dict[str, Any]]] = {}
        self._file_names: dict[str, str] = {}
        self._used_triggers: set[str] = set()
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)

    # -- lifecycle -------------------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.base_url}/response/{name}"

    def start(self) -> "FakeSlack":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests use ------------------------------------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._changed:
            return [call for call in self._calls if method is None or call.method == method]

    def refusals(self) -> list[Call]:
        """Calls Slack would have refused (each carries Slack's error name and why)."""
        return [call for call in self.calls() if call.error]

    def warnings(self) -> list[Call]:
        """Calls Slack accepted with a warning (blocks without a `text` fallback...)."""
        return [call for call in self.calls() if call.warnings]

    def reset(self) -> None:
        with self._changed:
            self._calls.clear()
            self._used_triggers.clear()
            self._failures.clear()
            self._history.clear()
            self._file_names.clear()

    def wait_for(self, method: str, where: Callable[[Call], bool] | None = None, timeout: float = 5.0) -> Call:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for call in self._calls:
                    if call.method == method and (where is None or where(call)):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({call.method for call in self._calls})
                    raise AssertionError(f"no {method} call arrived within {timeout}s (saw: {seen})")
                self._changed.wait(remaining)

    def fail_next(self, method: str, *, status: int = 200, error: str | None = None,
                  retry_after: int | None = None, where: Callable[[dict[str, Any]], bool] | None = None) -> None:
        """The next call to `method` (matching `where`, if given) fails: status 429 with Retry-After, or
        `{"ok": false, "error": error}`."""
        if status == 429 and error is None:
            error = "ratelimited"
        with self._changed:
            self._failures.setdefault(method, []).append(_Failure(status, error, retry_after, where))

    def posted_texts(self) -> list[str]:
        """The readable content of every message-like call, in order."""
        kinds = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url", "views.open",
                 "views.publish", "views.update", "views.push")
        return [call.text_content() for call in self.calls() if call.method in kinds]

    # -- serving ---------------------------------------------------------------------------------------------------
    def _record(self, method: str, args: dict[str, Any], headers: dict[str, str]) -> _Failure | None:
        verdict = self._verdict(method, args)
        with self._changed:
            failure = None
            pending = self._failures.get(method, [])
            for index, candidate in enumerate(pending):
                if candidate.where is None or candidate.where(args):
                    failure = pending.pop(index)
                    break
            if failure is None and verdict.refused:
                failure = _Failure(error=verdict.error)
            self._calls.append(Call(method, args, headers, error=verdict.error, detail=verdict.detail,
                                    warnings=verdict.warnings))
            self._changed.notify_all()
            return failure

    def _verdict(self, method: str, args: dict[str, Any]) -> slack_rules.Verdict:
        verdict = slack_rules.check_call(method, args)
        trigger = str(args.get("trigger_id") or "")
        if not verdict.refused and trigger and method in slack_rules.TRIGGERED_METHODS:
            with self._changed:
                if trigger in self._used_triggers:  # a trigger opens one view, once
                    return slack_rules.Verdict("exchanged_trigger_id", f"{method} reused trigger {trigger}")
                self._used_triggers.add(trigger)
        return verdict

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        serial = next(self._ids)
        ts = f"{int(time.time())}.{serial:06d}"
        if method == "auth.test":
            return {"ok": True, "url": "https://partnerbot-demo.slack.com/", "team": "Demo", "user": "partnerbot",
                    "team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": "BPARTNERBOT"}
        if method == "conversations.history":
            return self._conversation_history(args)
        if method == "apps.connections.open":
            if not self.socket_mode_url:
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.socket_mode_url}
        if method in ("chat.postMessage", "chat.update", "chat.meMessage"):
            message = {key: args[key] for key in ("text", "blocks") if key in args}
            if method == "chat.postMessage":
                self._remember(str(args.get("channel") or ""), {**message, "ts": ts, "metadata": args.get("metadata")})
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts") or ts,
                    "message": {**message, "ts": ts, "user": self.bot_user_id}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "chat.getPermalink":
            return {"ok": True, "permalink": f"https://example.slack.com/archives/{args.get('channel')}/p{ts}"}
        if method.startswith("views."):
            view = args.get("view") or {}
            if isinstance(view, str):
                view = json.loads(view)
            return {"ok": True, "view": {**view, "id": f"V{serial:08d}", "hash": f"h{serial}"}}
        if method == "users.info":
            user_id = args.get("user", "")
            user = {"id": user_id, "name": user_id.lower(), "real_name": f"User {user_id}",
                    "tz": "America/New_York", "tz_label": "Eastern Time", "team_id": self.team_id,
                    "profile": {"display_name": user_id.lower(), "real_name": f"User {user_id}"}}
            user.update(self.users.get(user_id, {}))
            # A field set to None is one Slack leaves out (a user without a time zone has no tz at all).
            return {"ok": True, "user": {key: value for key, value in user.items() if value is not None}}
        if method == "conversations.open":
            users = str(args.get("users", "")).split(",")
            return {"ok": True, "channel": {"id": "D" + users[0].lstrip("UW")}}
        if method == "conversations.info":
            channel_id = args.get("channel", "")
            channel = {"id": channel_id, "name": channel_id.lower(), "is_member": True, "is_shared": False,
                       "is_ext_shared": False}
            channel.update(self.channels.get(channel_id, {}))
            return {"ok": True, "channel": channel}
        if method == "files.getUploadURLExternal":
            file_id = f"F{serial:08d}"
            with self._changed:
                self._file_names[file_id] = str(args.get("filename") or "")
            return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = args.get("files") or []
            if isinstance(files, str):
                files = json.loads(files)
            if args.get("channel_id"):
                shared = [{"id": item.get("id"), "title": item.get("title"),
                           "name": self._file_names.get(str(item.get("id")), "")} for item in files]
                self._remember(str(args["channel_id"]), {"ts": ts, "subtype": "file_share", "files": shared})
            return {"ok": True, "files": [{"id": item.get("id"), "title": item.get("title")} for item in files]}
        return {"ok": True}

    def _remember(self, channel: str, message: dict[str, Any]) -> None:
        if channel[:1] in ("U", "W"):  # like conversations.open: a post to a person goes to the bot's DM
            channel = "D" + channel.lstrip("UW")
        message = {key: value for key, value in message.items() if value is not None}
        with self._changed:
            self._history.setdefault(channel, []).append({**message, "user": self.bot_user_id})

    def _conversation_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, between `oldest` and `latest`, paged by `cursor`; metadata only with include_all_metadata."""
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._changed:
            found = [dict(m) for m in reversed(self._history.get(str(args.get("channel") or ""), []))
                     if oldest <= float(m["ts"]) <= latest]
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
        page = found[start:start + limit]
        for message in page:
            if not with_metadata:
                message.pop("metadata", None)
        more = start + limit < len(found)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _reply(self, status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None) -> None:
                data = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _args(self, raw: bytes) -> dict[str, Any]:
                query = dict(parse_qsl(urlparse(self.path).query))
                content_type = self.headers.get("Content-Type", "")
                if "json" in content_type and raw:
                    body = json.loads(raw)
                elif raw and "multipart" not in content_type:
                    body = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
                    for name in JSON_FIELDS:
                        if isinstance(body.get(name), str) and body[name][:1] in "[{":
                            body[name] = json.loads(body[name])
                else:
                    body = {}
                return {**query, **body}

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urlparse(self.path).path
                headers = {name: value for name, value in self.headers.items()}
                if path.startswith("/upload/"):
                    fake._record("upload", {"file_id": path.rsplit("/", 1)[-1], "size": len(raw),
                                            "content": raw}, headers)
                    self._reply(200, "OK - uploaded")
                    return
                if path.startswith("/response/"):
                    args = json.loads(raw or b"{}") if "json" in headers.get("Content-Type", "") else self._args(raw)
                    failure = fake._record("response_url", args, headers)
                    if failure is not None:  # Slack answers a refused response_url post with its error as text
                        self._reply(failure.status if failure.status != 200 else 400, failure.error or "fatal_error")
                        return
                    self._reply(200, "ok")
                    return
                if not path.startswith("/api/"):
                    self._reply(404, {"ok": False, "error": "unknown_path"})
                    return
                method = path[len("/api/"):]
                args = self._args(raw)
                failure = fake._record(method, args, headers)
                if failure is not None:
                    extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                    self._reply(failure.status, {"ok": False, "error": failure.error or "fatal_error"}, extra)
                    return
                self._reply(200, fake._answer(method, args))

            do_POST = _handle
            do_GET = _handle

        return Handler
