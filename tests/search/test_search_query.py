"""Understanding "who can help with X?" questions (bot.query): pure, no database."""

import pytest

from bot.search.populations import restricted_groups
from bot.search.query import looks_like_search, parse_query


def _needs(text: str) -> list[tuple[str, ...]]:
    return [need.categories for need in parse_query(text).needs]


@pytest.mark.parametrize(
    "text, category",
    [
        ("who can help with rent?", "housing"),
        ("fridge is empty", "food"),
        ("behind on rent", "housing"),
        ("rides to dialysis", "transportation"),
        ("pantrey", "food"),
        ("suboxen", "substance-use"),
        ("ayuda con la renta", "housing"),
        ("comida", "food"),
        ("LIHEAP", "utilities"),
        ("NEMT", "transportation"),
        ("DV shelter", "safety"),
        ("SSI", "money"),
        ("EBT", "food"),
        ("wheelchar ramp", "housing-repairs"),
        ("@partnerbot who can help with a GED?", "education"),
        ("needs somebody to keep the kids so she can work", "childcare"),
        ("ran out of coal for the stove", "utilities"),
        ("wants to get his CDL", "employment"),
    ],
)
def test_the_first_need_is_recognized(text, category):
    needs = parse_query(text).needs
    assert needs and needs[0].category == category


def test_several_needs_are_answered_separately():
    assert _needs("food and a ride to get there") == [("food",), ("transportation",)]
    assert _needs("comida y transporte") == [("food",), ("transportation",)]
    assert [n[0] for n in _needs("diapers, formula and a crib")] == ["childcare", "food", "goods"]


def test_two_phrasings_of_one_need_stay_one_need():
    assert _needs("food pantry and groceries") == [("food",)]


def test_the_need_named_first_leads_within_a_phrase():
    assert _needs("a lawyer for an eviction")[0][:2] == ("legal", "housing")
    assert _needs("furnature for a new apartment")[0][0] == "goods"


def test_place_zip_language_and_population_modifiers():
    modifiers = parse_query("food near 97201 in Spanish for seniors").modifiers
    assert modifiers.zip_code == "97201"
    assert modifiers.languages == ("Spanish",)
    assert modifiers.populations == ("seniors",)
    assert parse_query("DV shelter in Eastport for families").modifiers.place == "Eastport"
    assert parse_query("rides near Lake City").modifiers.place == "Lake City"
    assert parse_query("Spanish-speaking therapist").modifiers.languages == ("Spanish",)
    assert parse_query("counseling, speaks Vietnamese").modifiers.languages == ("Vietnamese",)
    assert parse_query("clases de inglés en español").modifiers.languages == ("Spanish",)


def test_modifiers_are_not_needs():
    parsed = parse_query("food near 97201 in Spanish for seniors")
    assert [n.categories for n in parsed.needs] == [("food",)]
    assert parsed.needs[0].extra_words == ()


def test_lower_case_in_is_not_a_place():
    parsed = parse_query("teens in crisis")
    assert parsed.modifiers.place is None
    assert parsed.modifiers.populations == ("youth",)
    assert parsed.needs[0].category == "mental-health"


@pytest.mark.parametrize(
    "text, population",
    [("housing for undocumented families", "immigrants"), ("jobs for teens", "youth"),
     ("food for veterans", "veterans"), ("rides for older adults", "seniors"), ("ropa para los niños", "children"),
     ("shelter for single men", "men"), ("hombres sin hogar", "men"), ("women's shelter", "women")],
)  # fmt: skip
def test_populations(text, population):
    assert population in parse_query(text).modifiers.populations


@pytest.mark.parametrize(
    "text, population",
    [("she's 82 and can't cook anymore", "seniors"), ("he is 16 and got kicked out", "youth"),
     ("pt is 70 years old and needs rides", "seniors")],
)  # fmt: skip
def test_an_age_said_of_the_person_names_the_group(text, population):
    assert population in parse_query(text).modifiers.populations


@pytest.mark.parametrize("text", ["pt is 3 months behind on rent", "she is 45 and needs a job", "he is 5 days late"])
def test_a_duration_or_an_adults_age_names_no_group(text):
    assert parse_query(text).modifiers.populations == ()


@pytest.mark.parametrize(
    "text, open_when",
    [("she is 5 days late on rent", ()), ("late fees on her electric bill", ()),
     ("mental health help open late tonight", ("overnight",)), ("anything open late?", ("overnight",)),
     ("shelter late tonight", ("overnight",)), ("pantry open at 7pm", ("evening",)),
     ("open until 8 pm", ("evening",)), ("urgent care open at 11pm", ("overnight",)),
     # A day that is a deadline is not when to be open.
     ("her lights are getting shut off friday", ()), ("eviction court date on Monday", ()),
     ("rent is due friday", ()), ("pantry open friday", ("fri",))],
)  # fmt: skip
def test_late_is_a_time_only_when_something_should_be_open_late(text, open_when):
    assert parse_query(text).modifiers.open_when == open_when


def test_a_place_to_sleep_is_shelter_once_the_time_is_taken_out():
    parsed = parse_query("Is there somewhere a dad with two kids can sleep tonight?")
    assert [need.categories for need in parsed.needs] == [("shelter",)]
    assert parsed.modifiers.open_when == ("overnight",)


def test_a_word_is_searched_with_its_compounds_but_not_with_words_that_merely_end_like_it():
    assert "eyeglasses" in parse_query("glasses").needs[0].term_words
    assert {"medicare", "obamacare"}.isdisjoint(parse_query("dental care").needs[0].term_words)
    assert "preschool" not in parse_query("a laptop for school").needs[0].term_words


def test_prenatal_care_is_a_need_not_a_group_of_people():
    parsed = parse_query("where can a pregnant teen get prenatal care")
    assert [need.categories for need in parsed.needs] == [("health-coverage",)]
    assert set(parsed.modifiers.populations) == {"pregnant", "youth"}


def test_what_the_person_lacks_is_not_a_second_need():
    assert _needs("rental help without a social security number") == [("housing",)]


@pytest.mark.parametrize(
    "text, category, word",
    [("diapres", "childcare", "diapers"), ("menal health", "mental-health", "mental"), ("walkr", "aging-disability",
     "walker"), ("tenant rigths", "legal", "rights"), ("medicaide", "health-coverage", "medicaid"),
     ("dentis", "health-coverage", "dentist"), ("resumee help", "employment", "resume"),
     ("medicade dentist", "health-coverage", "medicaid")],
)  # fmt: skip
def test_one_slip_of_the_keyboard_is_a_typo_at_any_length(text, category, word):
    need = parse_query(text).needs[0]
    assert need.category == category and word in need.term_words


@pytest.mark.parametrize(
    "text, category",
    [("looking for work", "employment"), ("need a bed tonight", "shelter"), ("needs a bed tonight", "shelter")],
)
def test_an_opening_or_a_time_that_is_part_of_the_need_stays_in_it(text, category):
    assert _needs(text) == [(category,)]


def test_an_opening_is_not_borrowed_by_a_need_further_on():
    # "help with a tax audit" is not "tax help": nothing in the directory does a corporation's audit.
    assert _needs("who can help with a tax audit of a corporation") == [()]


def test_a_time_in_a_need_still_asks_for_that_time():
    assert parse_query("need a bed tonight").modifiers.open_when == ("overnight",)
    parsed = parse_query("shelter open on the weekend")
    assert parsed.modifiers.open_when == ("sat", "sun") and parsed.needs[0].extra_words == ()


def test_a_population_alone_is_the_need():
    assert _needs("who helps veterans?") == [("veterans",)]
    assert _needs("seniors") == [("aging-disability",)]
    assert parse_query("who helps veterans?").modifiers.populations == ()


def test_english_for_spanish_terms_is_searched():
    need = parse_query("ropa para los niños").needs[0]
    assert "clothing" in need.term_words


def test_a_spanish_phrase_without_english_of_its_own_is_searched_word_by_word():
    # "comida gratis" is a term with no English of its own; "comida" has one.
    assert "food" in parse_query("dónde consigo comida gratis").needs[0].term_words
    # An English term is not expanded word by word ("SNAP" inside "snap benefits" stays as said).
    assert "supplemental" not in parse_query("food pantry").needs[0].term_words


def test_words_outside_the_vocabulary_are_kept_for_full_text():
    need = parse_query("who can help with dog grooming?").needs[0]
    assert need.categories == ()
    assert need.extra_words == ("dog", "grooming")
    assert need.phrase == "dog grooming"


def test_the_phrase_leaves_out_names_numbers_and_redaction_markers():
    need = parse_query("who can help Maria with dentures 4471123 [name removed]").needs[0]
    assert need.phrase == "dentures"


def test_nothing_searchable():
    assert parse_query("").is_empty
    assert parse_query("who can help?").is_empty
    assert parse_query("   ").is_empty


def test_typo_tolerance_does_not_turn_ordinary_words_into_needs():
    for text in ["wedding dress rental", "piano lessons", "meeting with parents", "Pine Ridge"]:
        assert not any(n.categories for n in parse_query(text).needs), text


def test_long_input_is_cut_not_crashing():
    parsed = parse_query("food " * 1000)
    assert parsed.needs[0].category == "food"


@pytest.mark.parametrize(
    "text, expected",
    [("who can help with rent?", True), ("Who helps with food", True), ("anyone know who does rides?", True),
     ("where can my patient get food", True), ("¿quién puede ayudar con la renta?", True),
     ("whohelps food", True), ("log resource: Eastside pantry", False), ("help", False),
     ("celebrate @ana with Eastside", False)],
)  # fmt: skip
def test_looks_like_search(text, expected):
    assert looks_like_search(text) is expected


def test_slack_markup_is_not_part_of_the_need():
    need = parse_query("dog grooming <!channel> <@U123> <#C1|care-team> <https://x.example|Paws>").needs[0]
    assert need.phrase == "dog grooming"
    assert "paws" in need.extra_words


@pytest.mark.parametrize("text", ["beaten by her husband", "food near her house", "a ride close to his work"])
def test_a_persons_place_or_a_person_after_by_is_not_a_town(text):
    assert parse_query(text).modifiers.place is None


def test_by_names_a_town_when_one_follows():
    assert parse_query("food pantry by Eastport").modifiers.place == "Eastport"
    assert parse_query("food pantry by 55104").modifiers.zip_code == "55104"


@pytest.mark.parametrize(
    "name, eligibility, groups",
    [
        ("Teen Counseling", "Youth ages 12-19 and their families.", {"youth"}),
        ("Harbor Family Shelter", "Families with children under 18 (including pregnant women).", set()),
        ("Counseling Collaborative", "Adults, teens and families. Sliding scale.", set()),
        ("Senior Food Box", "Adults 60+ with low income.", {"seniors"}),
        ("Food Shelf", "Anyone in the county. Adults 60+ may use a simplified form.", set()),
        ("Magdalene House Women's Shelter", "Single adult women 18+.", {"women"}),
        ("Grace Mission Shelter", "Single men 18+.", {"men"}),
    ],
)
def test_the_groups_a_resource_serves_only(name, eligibility, groups):
    assert restricted_groups(name, eligibility) == groups


def test_no_before_a_need_is_a_negation_not_the_label_of_an_identifier():
    (need,) = parse_query("dentist no insurance").needs
    assert "dentist" in need.term_words and "insurance" in need.term_words
    # A program named as an identifier's label still is not a need.
    assert [n.category for n in parse_query("Medicaid no   needs food").needs] == ["food"]


def test_a_clause_listed_after_a_need_tells_the_story_and_is_no_second_need():
    assert [n.category for n in parse_query("fridge is empty and payday is a week away").needs] == ["food"]
    assert [n.category for n in parse_query("he got laid off and has never looked for work online").needs] == [
        "employment"]  # fmt: skip
    # A thing listed after a need is one.
    assert [n.phrase for n in parse_query("food and snow plowing").needs] == ["food", "snow plowing"]


def test_a_month_or_a_day_is_not_a_place():
    assert parse_query("the heater quit in November").modifiers.place is None
    assert parse_query("shelter open by Monday").modifiers.place is None
    assert parse_query("food in Eastport").modifiers.place == "Eastport"


def test_what_is_asked_after_the_story_leads():
    needs = parse_query("currently unhoused, SSDI denied last month - who can help with the appeal?").needs
    assert needs[0].category == "money" and needs[-1].category == "shelter"
    # Without such a cue, the order said is kept.
    assert [n.category for n in parse_query("unhoused and SSDI denied").needs] == ["shelter", "money"]
    for asked in ("just got evicted and has 3 kids, is there anywhere they can stay tonight",
                  "mom and kids were evicted this morning, where can they sleep tonight?"):  # fmt: skip
        assert [n.category for n in parse_query(asked).needs] == ["shelter", "housing"]


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [("just got out of rehab and has nowhere to stay", "shelter", "substance-use"),
     ("discharged from the shelter last week, needs a job", "employment", "shelter"),
     ("he's on oxygen and his gas got shut off", "utilities", "aging-disability"),
     ("she's on Medicaid and can't buy groceries", "food", "health-coverage"),
     ("she is a student at the college and has no food", "food", "education"),
     # "behind on" is the need itself, and a need asked after the story still leads
     ("behind on rent and out of food", "housing", "food"),
     ("her husband passed away and she's asking about survivor benefits", "veterans", "mental-health"),
     # What the person needs leads the circumstances
     ("lives alone since her stroke, needs meals brought to her", "food", "aging-disability")],
)  # fmt: skip
def test_what_the_person_has_left_is_on_or_is_at_is_the_story_not_the_first_need(text, first, last):
    needs = parse_query(text).needs
    assert needs[0].category == first and needs[-1].category == last


def test_a_language_being_learned_is_the_need_not_a_language_asked_for():
    parsed = parse_query("just arrived and wants to learn to speak English")
    assert parsed.needs[0].category == "education"
    assert parsed.modifiers.languages == () and parsed.modifiers.unknown_languages == ()
    assert parse_query("counselor who speaks Spanish").modifiers.languages == ("Spanish",)


@pytest.mark.parametrize(
    "text, category",
    [("her heat's off again", "utilities"), ("power's out since Tuesday", "utilities"),
     ("no electricity at the house", "utilities"), ("no tengo cómo llegar a mis citas", "transportation"),
     ("the kids are sleeping on the floor", "goods"), ("mi esposo me golpea", "safety"),
     # Falling behind is no fall; a fall still is.
     ("falling behind on rent", "housing"), ("fell behind on the electric bill", "utilities"),
     ("grandpa keeps falling", "aging-disability"), ("falling behind in reading", "education"),
     ("he isn't eating since his wife passed", "food"), ("wants to get off the pills", "substance-use"),
     ("old drafty trailer, can't keep it warm", "housing-repairs"), ("out of toilet paper", "goods"),
     ("landlord changed the locks on her", "housing"), ("en la planta no me pagaron las horas extras", "legal"),
     ("necesito quien me cuide a los niños", "childcare"), ("wants to talk to other vets", "social-connection"),
     ("says he doesn't see the point anymore", "mental-health"), ("her phone got cut off last week", "digital"),
     ("the letters about her kids' medical coverage", "health-coverage"), ("camped out behind the mall",
     "shelter"), ("the kids don't have a single bed", "goods"), ("his truck got repossessed", "transportation"),
     ("got a 14-day notice taped to the door", "housing"), ("terrified of being dope sick", "substance-use"),
     ("discharged after a miscarriage", "mental-health"), ("el patrón no le ha pagado", "legal"),
     ("every application asks about his record", "legal"), ("she's raising her grandkids", "social-connection"),
     ("24 wks, fleeing her partner", "safety"), ("his trailer has no AC and it's 108 out", "utilities"),
     ("pregnant and using, wants treatment", "substance-use"), ("needs help in the home after the stroke",
     "aging-disability")],
)  # fmt: skip
def test_everyday_wording_and_contractions_name_the_need(text, category):
    assert [need.category for need in parse_query(text).needs][:1] == [category]


def test_a_contracted_is_is_not_read_as_a_possessive():
    assert [n.category for n in parse_query("she's been living in her car").needs] == ["shelter"]
    assert "heat" in parse_query("heat's off").needs[0].term_words


def test_an_abbreviation_for_medicines_looks_for_the_medicines_and_a_floor_mat_is_no_treatment():
    assert {"buprenorphine", "methadone", "naltrexone"} <= set(parse_query("MAT for OUD").needs[0].term_words)
    assert [n.category for n in parse_query("mat for the floor").needs] == [None]


def test_far_apart_words_out_of_order_are_no_term():
    # "home oxygen whose power is getting shut off" asks for no ride home.
    parsed = parse_query("patient on home oxygen whose power is getting shut off")
    assert "transportation" not in [c for need in parsed.needs for c in need.categories]
    assert "utilities" in parsed.needs[0].categories


def test_what_is_asked_leads_the_story_told_before_it():
    asked = parse_query("schizophrenia, off his meds. Does anyone do case management for him?")
    assert "case" in asked.needs[0].term_words
    # "since their mom overdosed" is how the family got here; a grandparent raising grandkids (support for kinship
    # caregivers) and being overwhelmed are what to help with.
    told = parse_query("she's raising grandkids since their mom overdosed and she's overwhelmed")
    assert [n.category for n in told.needs] == ["social-connection", "mental-health"]


def test_what_the_person_refuses_names_no_need():
    assert [n.category for n in parse_query("she doesn't want meds, just needs food").needs] == ["food"]
    assert [n.category for n in parse_query("he refused rehab; needs a coat").needs] == ["goods"]


def test_what_the_person_is_not_names_no_need():
    assert [n.category for n in parse_query("needs a funeral paid for, he was never in the military").needs] == ["money"]
    assert [n.category for n in parse_query("not a veteran, needs a ride").needs] == ["transportation"]
    assert [n.category for n in parse_query("shelter for a mom and kids, not a domestic violence case").needs] == [
        "shelter"]
    # Lacking a thing is a need.
    assert parse_query("no food").needs[0].category == "food"
    assert parse_query("doesn't have insurance").needs[0].category == "health-coverage"


def test_the_words_before_a_need_that_may_name_its_kind():
    assert parse_query("criminal defense lawyer").needs[0].qualifiers == ("criminal", "defense")
    assert parse_query("Art therapy for a teen").needs[0].qualifiers == ("art",)
    assert parse_query("pt Kowalski therapy").needs[0].qualifiers == ()  # perhaps a name redaction missed
    assert parse_query("can't afford daycare").needs[0].qualifiers == ("afford",)  # gaps reads it as a verb


def test_no_after_a_need_lists_what_else_is_missing():
    assert [n.category for n in parse_query("released from county at 11pm no ride no bed").needs] == [
        "transportation"]  # fmt: skip


def test_spanish_drinking_is_searched_in_english_words_too():
    assert {"alcohol", "drinking"} <= set(parse_query("mi hermano toma demasiado").needs[0].term_words)


def test_crisis_abbreviations_and_section_8_are_placed():
    assert parse_query("MCOT for a pt with SI at home").needs[0].category == "mental-health"
    assert parse_query("si necesito comida").needs[0].category == "food"  # Spanish "si" is no ideation
    assert parse_query("Sec 8 applications").needs[0].category == "housing"


def test_a_stay_in_hospital_and_its_length_are_no_need_of_their_own():
    from bot.search.story import only_circumstances

    assert only_circumstances(("hospitalized", "3", "weeks")) and not only_circumstances(("foster", "dog"))


def test_medical_rehab_is_no_addiction_treatment():
    assert "substance-use" not in {c for n in parse_query("cardiac rehab twice a week, no car").needs for c in n.categories}
    assert parse_query("rehab for opioids").needs[0].category == "substance-use"
