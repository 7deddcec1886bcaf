"""The app over real HTTP, with requests signed exactly as Slack signs them."""

import json
import time

from sqlmodel import func, select

from bot.console import slack_payloads
from models.platform import ProcessedEvent


def test_url_verification_echoes_the_challenge(slack):
    body, kind = slack_payloads.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    reply = slack.send(body, kind)
    assert reply.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in reply.body


def test_help_command_answers_privately_with_every_feature(slack, fake_slack):
    reply = slack.command("/partnerbot", "help")
    assert reply.status == 200
    answer = fake_slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    text = answer.text_content()
    for command in ("/resource", "/whohelps", "/conference", "/partner", "/celebrate", "/digest"):
        assert command in text


def test_mention_gets_help_in_the_channel(slack, fake_slack):
    slack.mention("hello there", channel="CTEAM")
    post = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "CTEAM"
    assert "/whohelps" in post.text_content()


def test_button_click_reaches_its_listener(slack, fake_slack):
    reply = slack.click("help_dismiss", "dismiss", block_id="help_actions")
    assert reply.status == 200
    assert fake_slack.wait_for("response_url").args.get("delete_original") is True


def test_bad_signature_is_rejected_and_changes_nothing(slack, fake_slack, db):
    body, kind = slack_payloads.slash_command("/partnerbot", "help", user="U1", channel="C1", team="T1",
                                              response_url=fake_slack.response_url())
    reply = slack.send(body, kind, sign_with="not-the-signing-secret")
    assert reply.status == 401
    event_body, event_kind = slack_payloads.event_callback(
        {"type": "app_mention", "user": "U1", "text": "<@UPARTNERBOT> help", "channel": "C1", "ts": "1.1"},
        team="T1", bot_user="UPARTNERBOT")
    assert slack.send(event_body, event_kind, sign_with="wrong").status == 401
    assert fake_slack.calls() == []
    with db.session() as session:
        assert session.exec(select(func.count()).select_from(ProcessedEvent)).one() == 0


def test_stale_timestamp_is_rejected(slack, fake_slack):
    body, kind = slack_payloads.slash_command("/partnerbot", "help", user="U1", channel="C1", team="T1",
                                              response_url=fake_slack.response_url())
    six_minutes_ago = int(time.time()) - 6 * 60
    assert slack.send(body, kind, timestamp=six_minutes_ago).status == 401
    assert fake_slack.calls() == []


def test_malformed_bodies_get_a_client_error_not_a_crash(slack, fake_slack):
    for body, kind in [("{not json", "application/json"), ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
                       ("", "application/json")]:
        reply = slack.send(body, kind)
        assert 400 <= reply.status < 500 or reply.status == 200 and not reply.body.startswith("Traceback")
    assert fake_slack.calls() == []


def test_a_redelivered_event_has_one_effect(slack, fake_slack, db):
    event = {"type": "app_mention", "user": "U1", "text": "<@UPARTNERBOT> hello", "channel": "C1", "ts": "2.2"}
    first = slack.event(event, event_id="Ev0REDELIVER")
    again = slack.event(event, event_id="Ev0REDELIVER", headers={"X-Slack-Retry-Num": "1",
                                                                  "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status == again.status == 200
    assert len(fake_slack.calls("chat.postMessage")) == 1
    with db.session() as session:
        assert session.exec(select(func.count()).select_from(ProcessedEvent)).one() == 1


def test_rate_limited_post_is_retried_and_lands(slack, fake_slack):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    slack.mention("hello")
    attempts = fake_slack.calls("chat.postMessage")
    assert len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 0.9


def test_unknown_paths_and_health(slack):
    import urllib.request

    with urllib.request.urlopen(slack.url + "/healthz") as reply:
        assert reply.status == 200 and json.loads(reply.read())["database"] == "ok"
    try:
        urllib.request.urlopen(slack.url + "/nope")
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("expected 404")
