"""Ranking, recording and feedback of "who can help with X?" (bot.search) on both databases."""

from datetime import timedelta

from sqlalchemy import delete, inspect, text, update
from sqlmodel import func, select

from bot.platform import clock, vocabulary
from bot.search.service import need_key, record_feedback, who_can_help
from models.directory import Resource, ResourceCategory
from models.search import QuestionLog, ResourceFeedback, UnmetNeed

TEAM = "T1"


def add(session, name: str, categories: str = "", *, team: str = TEAM, **fields) -> Resource:
    now = clock.utcnow()
    city = fields.pop("city", "")
    resource = Resource(team_id=team, name=name, normalized_name=vocabulary.normalize(name), categories=categories,
                        city=city, normalized_city=vocabulary.normalize(city), created_at=now, updated_at=now,
                        created_by=fields.pop("created_by", "ULOGGER"), **fields)  # fmt: skip
    session.add(resource)
    session.flush()
    for category in filter(None, categories.split(";")):
        session.add(ResourceCategory(resource_id=resource.id, category=category, team_id=team))
    session.flush()
    return resource


def names(answer, need: int = 0) -> list[str]:
    return [hit.name for hit in answer.needs[need].hits]


def test_category_resources_come_first_and_retired_never_show(db):
    with db.session() as s:
        add(s, "Eastside Food Pantry", "food", description="groceries twice a week")
        add(s, "Old Pantry", "food", description="groceries", retired_at=clock.utcnow())
        add(s, "Legal Aid", "legal", description="free lawyers; food for thought")
    with db.session() as s:
        answer = who_can_help(s, TEAM, "who can help with groceries?")
    assert names(answer)[0] == "Eastside Food Pantry"
    assert "Old Pantry" not in names(answer)
    assert answer.needs[0].hits[0].reasons[0] == "Food"


def test_each_need_of_a_question_gets_its_own_answer(db):
    with db.session() as s:
        add(s, "Eastside Food Pantry", "food")
        add(s, "RideLink", "transportation", description="rides to appointments and the grocery store")
    with db.session() as s:
        answer = who_can_help(s, TEAM, "food and a ride to get there")
    assert [n.need.category for n in answer.needs] == ["food", "transportation"]
    assert names(answer, 0) == ["Eastside Food Pantry"]
    assert names(answer, 1) == ["RideLink"]


def test_words_and_modifiers_order_resources_within_a_need(db):
    with db.session() as s:
        add(s, "General Rides", "transportation", description="bus passes", mention_count=9, helped_count=5)
        add(s, "Kidney Care Transport", "transportation", description="rides to dialysis three times a week")
        add(s, "Eastport Rides", "transportation", description="medical rides", city="Eastport", languages="Spanish",
            populations="seniors")  # fmt: skip
    with db.session() as s:
        assert names(who_can_help(s, TEAM, "rides to dialysis"))[0] == "Kidney Care Transport"
        assert names(who_can_help(s, TEAM, "rides in Spanish"))[0] == "Eastport Rides"
        assert names(who_can_help(s, TEAM, "rides for seniors"))[0] == "Eastport Rides"
        answer = who_can_help(s, TEAM, "rides near Eastport")
    assert names(answer)[0] == "Eastport Rides"
    assert "in Eastport" in answer.needs[0].hits[0].reasons


def test_verification_mentions_and_feedback_break_ties(db):
    now = clock.utcnow()
    with db.session() as s:
        add(s, "Pantry A", "food", verified_at=now - timedelta(days=800))
        add(s, "Pantry B", "food", verified_at=now - timedelta(days=5))
        add(s, "Pantry C", "food", helped_count=4, mention_count=6)
        flagged = add(s, "Pantry D", "food", helped_count=4, mention_count=6)
        flagged.outdated_count = 3
    with db.session() as s:
        ranked = names(who_can_help(s, TEAM, "food"))
    assert ranked.index("Pantry C") < ranked.index("Pantry B") < ranked.index("Pantry A")
    assert ranked.index("Pantry C") < ranked.index("Pantry D")


def test_full_text_index_follows_inserts_updates_and_deletes(db):
    with db.session() as s:
        resource = add(s, "Harbor Clinic", "", description="podiatry for everyone")
        resource_id = resource.id
    with db.session() as s:
        assert names(who_can_help(s, TEAM, "podiatry")) == ["Harbor Clinic"]
        s.execute(
            update(Resource).where(Resource.id == resource_id).values(description="dermatology walk-ins")
        )
    with db.session() as s:
        assert who_can_help(s, TEAM, "podiatry").needs[0].hits == []
        assert names(who_can_help(s, TEAM, "dermatology")) == ["Harbor Clinic"]
        s.execute(delete(Resource).where(Resource.id == resource_id))
    with db.session() as s:
        assert who_can_help(s, TEAM, "dermatology").needs[0].hits == []


def test_the_index_exists_under_ignored_names(db):
    with db.engine.connect() as connection:
        if db.dialect == "sqlite":
            found = connection.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'fts_resource%'"))
            assert "fts_resource" in {row[0] for row in found}
        else:
            columns = {c["name"] for c in inspect(connection).get_columns("resource")}
            indexes = {i["name"] for i in inspect(connection).get_indexes("resource")}
            assert "search_vector" in columns and "fts_resource_search_vector" in indexes


def test_other_workspaces_resources_never_show(db):
    with db.session() as s:
        add(s, "Their Pantry", "food", team="T2", description="groceries")
    with db.session() as s:
        answer = who_can_help(s, TEAM, "groceries")
    assert not answer.answered


def test_a_need_without_a_category_must_match_all_its_words(db):
    with db.session() as s:
        add(s, "Paws Pet Food Bank", "food", description="dog food and cat litter")
    with db.session() as s:
        assert names(who_can_help(s, TEAM, "dog food")) == ["Paws Pet Food Bank"]
        assert not who_can_help(s, TEAM, "dog grooming").answered


def test_nothing_found_records_an_unmet_need_and_counts_repeats(db):
    with db.session() as s:
        first = who_can_help(s, TEAM, "who can help with dog grooming?", surface="mention")
        who_can_help(s, TEAM, "dog grooming", surface="slash")
        who_can_help(s, TEAM, "veterans", surface="dm")
    assert not first.answered
    with db.session() as s:
        unmet = {u.need_key: u for u in s.exec(select(UnmetNeed).where(UnmetNeed.team_id == TEAM))}
        logs = s.exec(select(QuestionLog).order_by(QuestionLog.id)).all()
    assert set(unmet) == {"dog grooming", "veterans"}
    assert unmet["dog grooming"].ask_count == 2 and unmet["dog grooming"].category is None
    assert unmet["veterans"].category == "veterans" and unmet["veterans"].phrase == "Veterans"
    assert unmet["dog grooming"].first_asked_at <= unmet["dog grooming"].last_asked_at
    assert [(log.need_key, log.result_count, log.surface) for log in logs] == [
        ("dog grooming", 0, "mention"), ("dog grooming", 0, "slash"), ("veterans", 0, "dm")]  # fmt: skip


def test_answered_questions_are_logged_without_their_words(db):
    with db.session() as s:
        add(s, "Eastside Food Pantry", "food")
        answer = who_can_help(s, TEAM, "fridge is empty", surface="modal")
    assert answer.answered
    with db.session() as s:
        log = s.exec(select(QuestionLog)).one()
        assert (log.need_key, log.category, log.result_count, log.surface) == ("food", "food", 1, "modal")
        assert s.exec(select(func.count()).select_from(UnmetNeed)).one() == 0


def test_a_language_nobody_offers_is_answered_and_noted_as_a_gap(db):
    with db.session() as s:
        add(s, "Eastside Food Pantry", "food", languages="English;Spanish")
        answer = who_can_help(s, TEAM, "food in Tagalog")
    assert names(answer) == ["Eastside Food Pantry"]
    assert answer.needs[0].unmet_modifiers == "in Tagalog"
    with db.session() as s:
        unmet = s.exec(select(UnmetNeed)).one()
    assert (unmet.need_key, unmet.phrase, unmet.category) == ("food|in Tagalog", "Food in Tagalog", "food")


def test_patient_details_never_reach_the_database(db):
    questions = [
        "pt John Miller DOB 3/14/1958 needs help with dog grooming",
        "who can help Mrs. Alvarez with passport photos? MRN 4471123",
        "patient Maria Gomez, her cell 503-555-0199, needs a ride to the zoo",
        "Mr. Thompson (SSN 123-45-6789) needs tattoo removal",
    ]
    forbidden = ["John", "Miller", "3/14/1958", "Alvarez", "4471123", "Maria", "Gomez", "503-555-0199",
                 "Thompson", "123-45-6789"]  # fmt: skip
    with db.session() as s:
        for question in questions:
            answer = who_can_help(s, TEAM, question)
            assert answer.privacy_notice.startswith("Removed for privacy")
            shown = answer.query + " ".join(n.need.label for n in answer.needs)
            assert not [word for word in forbidden if word in shown]
    stored = []
    with db.session() as s:
        for table in (QuestionLog, UnmetNeed):
            for row in s.exec(select(table)):
                stored.extend(str(value) for value in row.model_dump().values())
    assert stored
    assert not [word for word in forbidden if any(word in value for value in stored)]


def test_show_more_pages_without_recording_again(db):
    with db.session() as s:
        for number in range(8):
            add(s, f"Pantry {number}", "food")
    with db.session() as s:
        first = who_can_help(s, TEAM, "food")
        second = who_can_help(s, TEAM, "food", offset=5, record=False)
    assert first.needs[0].has_more and len(first.needs[0].hits) == 5
    assert len(second.needs[0].hits) == 3 and not second.needs[0].has_more
    assert not set(names(first)) & set(names(second))
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(QuestionLog)).one() == 1


def test_bad_input_is_refused_and_changes_nothing(db):
    with db.session() as s:
        assert who_can_help(s, TEAM, "").problem == "empty"
        assert who_can_help(s, TEAM, "   ").problem == "empty"
        assert who_can_help(s, TEAM, "food " * 200).problem == "too_long"
        assert who_can_help(s, TEAM, "who can help?").problem == "no_need"
        # SQL and FTS syntax are only words.
        assert not who_can_help(s, TEAM, '\'; DROP TABLE resource; -- NEAR("x" *) OR').answered
    with db.session() as s:
        # Only the SQL-looking question was searched; it is stored as its plain words.
        keys = s.exec(select(QuestionLog.need_key)).all()
        assert keys and all(set(key) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ") for key in keys)
        assert s.exec(select(func.count()).select_from(Resource)).one() == 0


def test_feedback_counts_once_per_person_per_day(db):
    with db.session() as s:
        resource_id = add(s, "Eastside Food Pantry", "food").id
    with db.session() as s:
        assert record_feedback(s, TEAM, resource_id, "U1", "helped") == ("recorded", "Eastside Food Pantry")
        assert record_feedback(s, TEAM, resource_id, "U1", "helped")[0] == "repeat"
        assert record_feedback(s, TEAM, resource_id, "U2", "helped")[0] == "recorded"
        assert record_feedback(s, TEAM, resource_id, "U1", "outdated")[0] == "recorded"
        assert record_feedback(s, "T2", resource_id, "U1", "helped")[0] == "missing"
        later = clock.utcnow() + timedelta(days=2)
        assert record_feedback(s, TEAM, resource_id, "U1", "helped", now=later)[0] == "recorded"
    with db.session() as s:
        resource = s.get(Resource, resource_id)
        assert (resource.helped_count, resource.outdated_count) == (3, 1)
        assert s.exec(select(func.count()).select_from(ResourceFeedback)).one() == 4


def test_need_key_is_the_category_or_the_phrase():
    from bot.search.query import parse_query

    assert need_key(parse_query("fridge is empty").needs[0]) == "food"
    assert need_key(parse_query("dog grooming please").needs[0]) == "dog grooming"


def test_large_categories_and_common_words_still_rank_the_distinctive_match_first(db):
    from bot.search import ranking
    from bot.search import word_counts as search

    with db.session() as s:
        add(s, "Kidney Kitchen", "food", description="groceries and meals for dialysis diets")
        for number in range(search.COMMON_WORD_DOCUMENTS + ranking.CATEGORY_POOL):
            add(s, f"Pantry {number}", "food", description="free groceries every week and child care", mention_count=9,
                helped_count=5)  # fmt: skip
    if db.dialect == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE resource"))
        search._common_lexemes.clear()
    with db.session() as s:
        assert search.common_words(s, ["groceries", "dialysis"]) == {"groceries"}
        # A phrase is common too (on PostgreSQL, as its words are): ranking it would read hundreds of rows.
        assert search.common_words(s, ["child care", "dialysis diets"]) == {"child care"}
        answer = who_can_help(s, TEAM, "groceries for a patient on dialysis")
    # The oldest of 551 food resources, found through its distinctive word.
    assert names(answer)[0] == "Kidney Kitchen"


def test_a_modifier_match_is_found_beyond_the_newest_resources_of_a_big_category(db):
    from bot.search import ranking as search

    with db.session() as s:
        add(s, "Despensa Latina", "food", languages="Spanish", populations="seniors", city="Lakeview")
        for number in range(search.CATEGORY_POOL + 20):
            add(s, f"Pantry {number}", "food", languages="English", mention_count=9, helped_count=5)
    with db.session() as s:
        assert names(who_can_help(s, TEAM, "food in Spanish"))[0] == "Despensa Latina"
        assert names(who_can_help(s, TEAM, "food for seniors near Lakeview"))[0] == "Despensa Latina"


def test_a_zip_means_its_town_and_the_services_that_reach_it(db):
    with db.session() as s:
        add(s, "Hollow Pantry", "food", city="Oak Hollow", postal_code="55109")
        add(s, "Hollow Church Pantry", "food", city="Oak Hollow", postal_code="55199")  # the town's other ZIP
        add(s, "Mobile Food Truck", "food", description="stops at rural towns", hours="1st Tue Oak Hollow",
            city="Riverbend", postal_code="55101")  # fmt: skip
        for number in range(3):
            add(s, f"Riverbend Pantry {number}", "food", city="Riverbend", postal_code="55101")
    with db.session() as s:
        answer = who_can_help(s, TEAM, "food shelf near 55109")
    # In the ZIP, in its town, then the truck whose schedule names the town; not the sites elsewhere in 551xx.
    assert names(answer)[:3] == ["Hollow Pantry", "Hollow Church Pantry", "Mobile Food Truck"]
    assert "in Oak Hollow" in answer.needs[0].hits[1].reasons


def test_in_the_asked_town_comes_before_better_wording_elsewhere(db):
    with db.session() as s:
        add(s, "Township Food Shelf", "food", description="canned goods and eggs from local farms", city="Tamarack",
            postal_code="56472")  # fmt: skip
        for number in range(5):
            add(s, f"City Pantry {number}", "food", description="free groceries every week, groceries for all",
                city="Brennan", postal_code="56410")  # fmt: skip
    with db.session() as s:
        assert names(who_can_help(s, TEAM, "free groceries near 56472"))[0] == "Township Food Shelf"
        assert names(who_can_help(s, TEAM, "free groceries in Tamarack"))[0] == "Township Food Shelf"


def test_a_place_filed_under_every_need_asked_leads_however_it_is_worded(db):
    with db.session() as s:
        add(s, "County Economic Assistance", "money;food;health-coverage", description="apply for county programs")
        for number in range(6):
            add(s, f"Food Pantry {number}", "food", description="free food, food boxes and groceries, food for all")
            add(s, f"Insurance Navigator {number}", "health-coverage", description="health insurance enrollment")
    with db.session() as s:
        answer = who_can_help(s, TEAM, "no food and no health insurance")
    assert [need_answer.need.category for need_answer in answer.needs] == ["food", "health-coverage"]
    assert names(answer)[0] == "County Economic Assistance"


def test_a_resource_that_names_the_program_answers_its_abbreviation(db):
    with db.session() as s:
        add(s, "County Benefits Office", "money", description="Apply for cash aid, SNAP and Medicaid in one visit")
        add(s, "Discount Phones", "digital", description="Free phones", eligibility="Households on SNAP")
        for number in range(5):
            add(s, f"Food Shelf {number}", "food", description="groceries once a month")
    with db.session() as s:
        shown = names(who_can_help(s, TEAM, "SNAP application"))
    # Filed under money, it still helps with SNAP; being eligible through SNAP is not helping with it.
    assert shown[0] == "County Benefits Office"
    assert "Discount Phones" not in shown


def test_paying_a_bill_also_shows_the_emergency_fund_that_pays_it(db):
    with db.session() as s:
        for number in range(5):
            add(s, f"Energy Program {number}", "utilities", description="weatherization and energy efficiency")
        add(s, "Helping Hand Fund", "money", description="One-time grants for rent and utility bills")
        add(s, "Tax Help", "money", description="Free tax preparation")
    with db.session() as s:
        paying = who_can_help(s, TEAM, "can't pay the electric bill")
        asking = who_can_help(s, TEAM, "weatherization")
    hits = paying.needs[0].hits
    # The fund that speaks of utility bills takes the last place, and says why it is there.
    assert len(hits) == 5 and hits[-1].name == "Helping Hand Fund"
    assert hits[-1].reasons[0] == "help paying"
    # The program it displaced opens the next page; nothing is lost or shown twice.
    with db.session() as s:
        more = who_can_help(s, TEAM, "can't pay the electric bill", offset=5, record=False)
    assert len(names(more)) == 1 and names(more)[0].startswith("Energy Program")
    assert {hit.name for hit in hits} | set(names(more)) == {f"Energy Program {n}" for n in range(5)} | {
        "Helping Hand Fund"}
    assert "Tax Help" not in names(paying)
    # Not a matter of paying: the utilities answers alone.
    assert "Helping Hand Fund" not in names(asking)


def test_asked_for_one_group_a_service_only_for_another_comes_after_general_ones(db):
    with db.session() as s:
        # Texts of one length, so that only the groups and the mentions tell them apart.
        add(s, "Kids Meals", "food", eligibility="Children only.", mention_count=10)
        add(s, "Town Meals", "food", eligibility="Everyone here.")
        add(s, "Vets Meals", "food", eligibility="Veterans only.")
    with db.session() as s:
        assert names(who_can_help(s, TEAM, "food for veterans")) == ["Vets Meals", "Town Meals", "Kids Meals"]
        # Nobody named: no group's service is pushed down.
        assert names(who_can_help(s, TEAM, "food"))[0] == "Kids Meals"


def test_a_service_for_another_age_comes_after_one_for_another_group(db):
    with db.session() as s:
        add(s, "Youth Haven", "shelter", description="homeless and runaway youth, emergency beds",
            eligibility="Youth ages 12-17 only.")  # fmt: skip
        add(s, "Rescue Mission", "shelter", description="overnight beds", eligibility="Men 18 and older.")
    with db.session() as s:
        # Neither is for veterans, but a veteran is a grown man: the youth shelter, better worded, comes last.
        assert names(who_can_help(s, TEAM, "homeless veteran needs a bed", record=False)) == [
            "Rescue Mission", "Youth Haven"]
        # A family is of any age.
        assert names(who_can_help(s, TEAM, "homeless shelter for a family", record=False))[0] == "Youth Haven"


def test_a_grown_person_is_not_sent_to_a_program_for_the_young(db):
    with db.session() as s:
        add(s, "Youth Haven", "shelter", description="homeless and runaway youth, emergency beds",
            eligibility="Youth ages 12-17 only.")  # fmt: skip
        add(s, "Rescue Mission", "shelter", description="overnight beds", eligibility="Adults.")
    with db.session() as s:
        for question in ("a 42 yo man is sleeping in his car, needs an emergency bed",
                         "woman got out of detox today and needs a homeless shelter"):  # fmt: skip
            assert names(who_can_help(s, TEAM, question, record=False)) == ["Rescue Mission", "Youth Haven"]
        # Nobody's age said, or a young adult's: nothing is pushed down.
        assert names(who_can_help(s, TEAM, "needs an emergency bed, homeless", record=False))[0] == "Youth Haven"
        assert names(who_can_help(s, TEAM, "19 year old homeless, needs emergency beds", record=False))[0] == (
            "Youth Haven")


def test_a_parent_with_children_is_not_sent_to_a_youth_shelter(db):
    with db.session() as s:
        add(s, "Youth Haven", "shelter", description="homeless and runaway youth, emergency beds and family mediation",
            eligibility="Youth ages 12-17 only.")  # fmt: skip
        add(s, "Kids Cafe", "food", description="free hot meals", eligibility="Children under 12.")
        add(s, "Grace House", "shelter;food", description="emergency beds, meals", eligibility="Women and their children.")
    with db.session() as s:
        for question in ("mom and her two kids need emergency beds tonight", "pt has 3 kids and needs a shelter tonight"):
            assert names(who_can_help(s, TEAM, question, record=False)) == ["Grace House", "Youth Haven"]
        # The children's own program still fits the children she named.
        assert "Kids Cafe" in names(who_can_help(s, TEAM, "single mom with kids needs free meals", record=False))
        # Someone else's parents: the teenager may well be the one who needs the youth shelter.
        assert names(who_can_help(s, TEAM, "her parents kicked her out, needs emergency beds", record=False))[0] == (
            "Youth Haven")


def test_a_resource_that_hands_out_the_thing_asked_for_answers_it(db):
    with db.session() as s:
        for number in range(5):
            add(s, f"Food Shelf {number}", "food", description="groceries once a month")
        add(s, "Baby Basics Bank", "goods;childcare", description="Diapers, wipes and infant formula")
    with db.session() as s:
        # Formula is food to the vocabulary; the diaper bank that has it is filed under goods.
        assert "Baby Basics Bank" in names(who_can_help(s, TEAM, "baby is out of formula"))[:3]


def test_a_group_named_after_the_first_sentence_of_eligibility_is_not_whom_it_serves(db):
    with db.session() as s:
        add(s, "Benefits Outreach", "food", eligibility="Anyone in the county. Adults 60+ may apply by phone.")
        add(s, "Senior Food Box", "food", eligibility="Adults 60+ with low income.")
    with db.session() as s:
        hits = who_can_help(s, TEAM, "food for seniors").needs[0].hits
    assert [hit.name for hit in hits] == ["Senior Food Box", "Benefits Outreach"]
    assert "serves seniors" not in hits[1].reasons


def test_a_veterans_service_filed_under_veterans_first_is_still_its_service(db):
    with db.session() as s:
        add(s, "Tenants Hotline", "housing;legal", description="wills and discharge upgrades")
        add(s, "Veterans Desk", "veterans;legal", description="wills and discharge upgrades")
    with db.session() as s:
        # "veterans" names whom the desk serves: legal help is its main service, and not the tenants line's.
        assert names(who_can_help(s, TEAM, "legal help")) == ["Veterans Desk", "Tenants Hotline"]


def test_with_a_ride_asked_a_service_that_comes_to_the_person_leads(db):
    with db.session() as s:
        for number in range(5):
            add(s, f"Food Shelf {number}", "food", description="groceries once a month")
        add(s, "Harvest Truck", "food", description="a truck that brings groceries to rural towns")
        add(s, "County Shuttle", "transportation", description="rides anywhere in the county")
    with db.session() as s:
        answer = who_can_help(s, TEAM, "food and a ride to get there")
    assert names(answer)[0] == "Harvest Truck"
    assert names(answer, 1) == ["County Shuttle"]


def test_a_service_in_the_asked_language_comes_before_a_better_worded_one(db):
    with db.session() as s:
        add(s, "Grief and Loss Circle", "mental-health;social-connection", description="grief support after a death",
            languages="English")  # fmt: skip
        add(s, "Community Friends", "social-connection", description="weekly visits", languages="English;Vietnamese")
    with db.session() as s:
        answer = who_can_help(s, TEAM, "Vietnamese speaker, lonely since her husband died")
    assert names(answer)[0] == "Community Friends"


def test_asked_for_men_a_womens_shelter_comes_after_shelters_for_anyone(db):
    with db.session() as s:
        # The shorter name ranks first on its words alone.
        add(s, "Women's Shelter", "shelter", eligibility="Single adult women 18+.")
        add(s, "Grace Mission Overnight Shelter", "shelter", eligibility="Adults 18+ experiencing homelessness.")
    with db.session() as s:
        assert names(who_can_help(s, TEAM, "shelter for men")) == ["Grace Mission Overnight Shelter",
                                                                   "Women's Shelter"]  # fmt: skip
        assert names(who_can_help(s, TEAM, "women's shelter"))[0] == "Women's Shelter"


def test_a_need_beside_unplaced_words_keeps_its_five_answers(db):
    with db.session() as s:
        for number in range(6):
            add(s, f"Pantry {number}", "food", description="groceries")
        answer = who_can_help(s, TEAM, "food and snow plowing", record=False)
    assert len(names(answer)) == 5
    assert [need.need.phrase for need in answer.needs] == ["food", "snow plowing"]


def test_a_kind_of_a_broad_service_nobody_mentions_is_named_as_uncovered(db):
    with db.session() as s:
        add(s, "Open Studio", "mental-health", description="art therapy groups and counseling")
        add(s, "Eastside Pantry", "food", description="groceries every Tuesday")
        add(s, "Rocket Lawyers", "legal", description="eviction defense")
        add(s, "Warm Homes", "housing-repairs", description="free insulation and weatherstripping")
        add(s, "Job Center", "employment", description="job search help")
        answers = {question: who_can_help(s, TEAM, question, record=False).needs[0] for question in (
            "art therapy", "music therapy", "neighborhood food pantry", "pet food pantry", "criminal defense lawyer",
            "attic insulation", "busco trabajo")}  # fmt: skip
    assert [hit.name for hit in answers["art therapy"].hits] == ["Open Studio"]
    assert answers["music therapy"].uncovered == "music therapy" and not answers["music therapy"].hits
    assert [hit.name for hit in answers["neighborhood food pantry"].hits] == ["Eastside Pantry"]
    assert answers["pet food pantry"].uncovered == "pet food pantry"
    # One of the words is mentioned ("defense"), the other is not: nobody offers criminal defense.
    assert answers["criminal defense lawyer"].uncovered == "criminal defense lawyer"
    # A specific service that is offered: the word before it is a detail.
    assert [hit.name for hit in answers["attic insulation"].hits] == ["Warm Homes"]
    # Spanish names a kind after the need: a word before it is a verb ("I look for").
    assert [hit.name for hit in answers["busco trabajo"].hits] == ["Job Center"]


def test_a_resource_filed_elsewhere_that_says_the_need_in_so_many_words_comes_before_a_mere_mention(db):
    with db.session() as s:
        for index in range(4):
            add(s, f"Little Steps Center {index}", "childcare", description="child care for working parents")
        add(s, "County Benefits Office", "food;money",
            description="SNAP, Medicaid and Publicly Funded Child Care applications")  # fmt: skip
        add(s, "Teen Job Club", "employment", description="jobs for teens; care packages for children")
        add(s, "Parks Department", "social-connection", description="summer camps for children; care for trees")
    with db.session() as s:
        shown = names(who_can_help(s, TEAM, "child care assistance", record=False))
    # The four child-care centers, then the office that runs the child care program, not a passing mention.
    assert shown[4] == "County Benefits Office" and "Parks Department" not in shown
