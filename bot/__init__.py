"""partnerbot core: settings, database, app factory, scheduler, CLI and the domain logic.

Domain modules here never import slack_bolt, so they can be tested without Slack.
"""
