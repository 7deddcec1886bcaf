"""When a listener fails, the person hears about it kindly and the log says what failed, never what was typed."""

import logging

from bot.runtime import logs

PHI = "Pt Jane Roe DOB 01/02/1950 MRN 4455667"


def test_a_failing_listener_logs_no_user_text_and_answers_kindly(slack, fake_slack, caplog):
    @slack.app.command("/boom")
    def explode(ack, command):
        ack()
        raise ValueError(f"could not handle {command['text']}")

    with caplog.at_level(logging.DEBUG):
        reply = slack.command("/boom", PHI)
    assert reply.status == 200
    answer = fake_slack.wait_for("response_url")
    assert "went wrong" in answer.args["text"] and answer.args["response_type"] == "ephemeral"
    logged = "\n".join(record.getMessage() + str(record.exc_info or "") for record in caplog.records)
    assert "ValueError" in logged
    for fragment in ("Jane", "Roe", "01/02/1950", "4455667"):
        assert fragment not in logged


def test_debug_logging_holds_no_user_text_even_when_the_bot_echoes_it(slack, fake_slack, caplog):
    logs.configure("DEBUG")  # the production set-up: Slack's libraries stay at WARNING even now
    marker = "Zebra Quokka Pantry"
    with caplog.at_level(logging.DEBUG):
        slack.command("/resource", f"add {marker}, groceries Mon 1-3pm, 555-0190. {PHI}")
    assert marker in fake_slack.calls("response_url")[-1].text_content()  # the reply echoes it...
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for fragment in (marker, "Jane", "Roe", "01/02/1950", "4455667"):  # ...the log never does
        assert fragment not in logged
