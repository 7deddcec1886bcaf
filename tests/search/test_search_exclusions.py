import pytest

from bot.search.exclusions import only_denied


@pytest.mark.parametrize(
    ("text", "words"),
    [("Primary care and pharmacy. No dental or eye care.", ["dental"]),
     ("Primary care and pharmacy. No dental or eye care.", ["eye"]),
     ("Free loans of wheelchairs. Does not provide eyeglasses, hearing aids or oxygen.", ["hearing", "aids"]),
     ("Repairs only; does not help buy vehicles or pay insurance.", ["buy"]),
     ("Not a domestic violence shelter.", ["domestic", "violence"]),
     ("We no longer offer dental.", ["dental"]),
     ("Counseling only, without medication management.", ["medication"])],
)  # fmt: skip
def test_a_word_said_only_where_the_resource_denies_it_is_denied(text, words):
    assert only_denied(text, words)


@pytest.mark.parametrize(
    ("text", "words"),
    [("No cost dental cleanings for kids.", ["dental"]),  # what is waived is not what is denied
     ("Walk-ins welcome, no insurance needed for dental cleanings.", ["dental"]),
     ("Dental clinic. No referral needed.", ["dental"]),
     ("Free eye exams and glasses for kids; no dental.", ["glasses"]),
     ("No one turned away; dental care on Fridays.", ["dental"]),
     ("Not only food: no dental, but dental referrals on Fridays.", ["dental"]),  # said again, outside the denial
     ("Food pantry open Tuesdays.", ["dental"])],  # not said at all
)  # fmt: skip
def test_a_word_said_outside_a_denial_or_not_at_all_is_not_denied(text, words):
    assert not only_denied(text, words)
