"""What the handlers register with bolt, read without building an app (for the manifest and sweep tests)."""

import handlers


class Recorder:
    """Stands in for the bolt App and notes what each handler module registers."""

    def __init__(self) -> None:
        self.commands: set[str] = set()
        self.shortcuts: set[str] = set()
        self.events: set[str] = set()

    def _decorator(self, *args, **kwargs):
        return lambda fn: fn

    def command(self, name, *args, **kwargs):
        self.commands.add(name)
        return self._decorator()

    def shortcut(self, constraints, *args, **kwargs):
        self.shortcuts.add(constraints if isinstance(constraints, str) else constraints.get("callback_id"))
        return self._decorator()

    message_shortcut = global_shortcut = shortcut

    def event(self, event, *args, **kwargs):
        self.events.add(event if isinstance(event, str) else event["type"])
        return self._decorator()

    def message(self, *args, **kwargs):
        self.events.add("message")
        return self._decorator()

    def __getattr__(self, name):  # action, view, options, use, error, ...
        return self._decorator


def registered() -> Recorder:
    recorder = Recorder()
    handlers.register_all(recorder)
    return recorder
