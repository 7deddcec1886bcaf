"""A medical emergency happening now is answered with 911, never with community resources (bot.search.emergency)."""

import pytest

from bot.search.emergency import is_medical_emergency


@pytest.mark.parametrize(
    "text",
    ["patient having chest pain right now", "he's having a stroke", "she is not breathing",
     "someone is overdosing in the bathroom", "bleeding heavily right now", "she just collapsed",
     "mi papá tiene dolor de pecho ahora", "she's unconscious and won't wake up", "we can't wake him up",
     "a man in the lobby is waving a gun right now"],
)  # fmt: skip
def test_an_emergency_in_progress_is_recognized(text):
    assert is_medical_emergency(text)


@pytest.mark.parametrize(
    "text",
    ["he had a stroke last year and needs home care", "chest pain clinic", "overdosed last week and wants treatment",
     "she is having seizures and needs a neurologist", "his roof collapsed", "he is having a hard time paying rent",
     "she's suicidal and needs someone to talk to", "her teen won't wake up for school", "was unconscious for a day",
     "gun safety class for teens", "her ex has a knife collection and she wants a protection order"],
)  # fmt: skip
def test_a_condition_a_history_or_a_crisis_line_need_is_not_an_emergency(text):
    assert not is_medical_emergency(text)
