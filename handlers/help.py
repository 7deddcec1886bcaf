"""Help: `/partnerbot help`, `@partnerbot help`, and the fallback for anything addressed to the bot that no
feature claimed. Registered last."""

from slack_bolt import App

from bot.help.sections import full_help
from bot.help.views import help_blocks
from bot.platform.routing import is_direct_message, is_from_a_person


def register(app: App) -> None:
    app.command("/partnerbot")(partnerbot_command)
    app.action("help_dismiss")(dismiss_help)
    app.event("app_mention")(answer_with_help)
    app.event("message", matchers=[lambda event: is_direct_message(event) and is_from_a_person(event)])(
        answer_with_help
    )
    # Other channel messages (edits, joins, unwatched chatter) and unrelated reactions are acknowledged and ignored.
    app.event("message")(ignore)
    app.event("reaction_added")(ignore)


def partnerbot_command(ack, respond) -> None:
    ack()
    respond(text=full_help(), blocks=help_blocks(), response_type="ephemeral")


def dismiss_help(ack, respond) -> None:
    ack()
    respond(delete_original=True)


def answer_with_help(event, say, client) -> None:
    if event.get("type") == "app_mention":
        # Never in front of the whole channel: only the person who asked sees the card.
        client.chat_postEphemeral(channel=event["channel"], user=event.get("user", ""), text=full_help(),
                                  blocks=help_blocks(), thread_ts=event.get("thread_ts"))  # fmt: skip
        return
    say(text=full_help(), blocks=help_blocks())


def ignore() -> None:
    pass
