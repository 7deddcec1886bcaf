"""Typos fixed against the directory's own words (bot.search.spelling), on both databases."""

from bot.platform import clock
from bot.search.query import parse_query
from bot.search.service import who_can_help
from bot.search.spelling import respelled
from tests.search.test_search import TEAM, add, names


def seed(db) -> None:
    with db.session() as s:
        add(s, "Pink Ribbon Rides", "transportation", description="rides to mammograms and chemotherapy visits")
        add(s, "County Ride Line", "transportation", description="rides to appointments")
        add(s, "Clean Record Clinic", "legal", description="expungement petitions")
        s.commit()


def need_of(db, question: str):
    with db.session() as s:
        return respelled(s, TEAM, parse_query(question).needs[0])


def test_a_word_no_dictionary_knows_is_read_as_the_directory_word_it_misspells(db):
    seed(db)
    assert "mammograms" in need_of(db, "rides to mamograms").extra_words
    assert "chemotherapy" in need_of(db, "rides to chemotherpy").extra_words  # two slips in a long word
    with db.session() as s:
        assert names(who_can_help(s, TEAM, "rides to mamograms", record=False))[0] == "Pink Ribbon Rides"


def test_real_words_short_words_and_words_nothing_resembles_are_left_alone(db):
    seed(db)
    assert need_of(db, "equine rides").extra_words == ("equine",)  # a real word, if rare
    assert need_of(db, "rides to the mal").extra_words == ("mal",)  # too short to tell
    assert need_of(db, "rides to zqxwvy").extra_words == ("zqxwvy",)  # nothing close
    assert not need_of(db, "rides to zqxwvy").fuzzy


def test_only_this_workspace_and_its_current_resources_lend_their_words(db):
    with db.session() as s:
        add(s, "Other Team Rides", "transportation", team="T2", description="rides to mammograms")
        add(s, "Old Rides", "transportation", description="rides to chemotherapy", retired_at=clock.utcnow())
        s.commit()
    assert need_of(db, "rides to mamograms").extra_words == ("mamograms",)
    assert need_of(db, "rides to chemotherpy").extra_words == ("chemotherpy",)


def test_a_care_coordinator_typing_a_directory_word_wrong_still_finds_it(slack, fake_slack, db):
    seed(db)
    slack.command("/whohelps", "rides to mamograms")
    content = fake_slack.wait_for("response_url").text_content()
    assert "Pink Ribbon Rides" in content
    assert content.index("Pink Ribbon Rides") < content.index("County Ride Line")
