"""The need vocabulary: the data file's shape, lookups and category detection in free text."""

import json
from importlib import resources

import pytest

from bot.platform import vocabulary

FIXED_IDS = [
    "food", "housing", "shelter", "housing-repairs", "utilities", "transportation", "mental-health",
    "substance-use", "safety", "money", "health-coverage", "employment", "education", "childcare",
    "aging-disability", "social-connection", "legal", "goods", "digital", "veterans",
]  # fmt: skip

AHC_CORE = {"housing instability", "food insecurity", "transportation problems", "utility help needs",
            "interpersonal safety"}  # fmt: skip
AHC_SUPPLEMENTAL = {"financial strain", "employment", "family and community support", "education",
                    "physical activity", "substance use", "mental health", "disabilities"}  # fmt: skip
OPEN_ELIGIBILITY = {"Emergency", "Food", "Housing", "Goods", "Transit", "Health", "Money", "Care", "Education",
                    "Work", "Legal"}  # fmt: skip


def _raw() -> dict:
    return json.loads(resources.files("bot.platform").joinpath("data/needs.json").read_text(encoding="utf-8"))


def test_ids_are_exactly_the_fixed_twenty_in_order():
    assert vocabulary.category_ids() == FIXED_IDS
    assert [c.id for c in vocabulary.categories()] == FIXED_IDS


def test_every_category_is_fully_described():
    for category in vocabulary.categories():
        assert category.display_name and category.description, category.id
        assert len(category.synonyms) >= 10, category.id
        assert category.spanish, category.id
        assert category.open_eligibility, category.id
        assert set(category.open_eligibility) <= OPEN_ELIGIBILITY, category.id
        assert set(category.ahc_hrsn) <= AHC_CORE | AHC_SUPPLEMENTAL, category.id


def test_crosswalk_covers_every_ahc_domain_and_open_eligibility_category():
    raw = _raw()
    assert set(raw["ahc_hrsn_domains"]["core"]) == AHC_CORE
    assert set(raw["ahc_hrsn_domains"]["supplemental"]) == AHC_SUPPLEMENTAL
    assert set(raw["open_eligibility_top_level"]) == OPEN_ELIGIBILITY
    mapped_ahc = {domain for c in vocabulary.categories() for domain in c.ahc_hrsn}
    mapped_oe = {top for c in vocabulary.categories() for top in c.open_eligibility}
    assert mapped_ahc == AHC_CORE | AHC_SUPPLEMENTAL
    assert mapped_oe == OPEN_ELIGIBILITY


def test_required_abbreviations_are_present_with_expansions():
    expansions = {abbr: (c.id, text) for c in vocabulary.categories() for abbr, text in c.abbreviations}
    for abbreviation, category in [
        ("LIHEAP", "utilities"), ("MAT", "substance-use"), ("NEMT", "transportation"), ("DV", "safety"),
        ("SSI", "money"), ("SSDI", "money"), ("EBT", "food"), ("SNAP", "food"), ("WIC", "food"),
        ("IPV", "safety"), ("AA", "substance-use"), ("NA", "substance-use"), ("GED", "education"),
        ("ESL", "education"), ("VA", "veterans"),
    ]:  # fmt: skip
        assert expansions[abbreviation][0] == category
        assert expansions[abbreviation][1]


def test_no_synonym_is_listed_twice_in_a_category():
    for category in vocabulary.categories():
        lowered = [term.lower() for term in category.synonyms]
        assert len(lowered) == len(set(lowered)), category.id


@pytest.mark.parametrize(
    "name, expected",
    [("food", "food"), ("FOOD", "food"), ("Mental health", "mental-health"), ("mental-health", "mental-health"),
     ("Housing Repairs", "housing-repairs"), ("housing repairs", "housing-repairs"),
     ("Aging and disability", "aging-disability"), ("  Veterans ", "veterans"), ("Digital access", "digital")],
)  # fmt: skip
def test_get_accepts_ids_and_display_names_case_insensitively(name, expected):
    assert vocabulary.get(name).id == expected


@pytest.mark.parametrize("name", ["", "pizza", "foods and stuff", "mental"])
def test_get_returns_none_for_unknown_names(name):
    assert vocabulary.get(name) is None


@pytest.mark.parametrize(
    "text, expected_first",
    [
        ("who can help with rent?", "housing"),
        ("fridge is empty", "food"),
        ("her fridge is empty again", "food"),
        ("behind on rent", "housing"),
        ("rides to dialysis", "transportation"),
        ("ayuda con la renta", "housing"),
        ("comida", "food"),
        ("LIHEAP", "utilities"),
        ("liheap application", "utilities"),
        ("MAT clinic", "substance-use"),
        ("NEMT", "transportation"),
        ("DV advocate", "safety"),
        ("SSI appeal", "money"),
        ("EBT card", "food"),
        ("guardería", "childcare"),
        ("Alzheimer's caregiver support", "aging-disability"),
        ("lights shut off tomorrow", "utilities"),
        ("sleeping in her car", "shelter"),
        ("GED classes", "education"),
        ("clases de inglés", "education"),
        ("VA claim help", "veterans"),
        ("food pantries", "food"),
        # One phrase whoever it is about: the vocabulary says "hits me"; people say "hits her", "hit him".
        ("her boyfriend hits her", "safety"),
        ("his wife hit him again", "safety"),
        # Past forms no suffix rule reaches.
        ("she was beaten by her husband", "safety"),
        ("slept outside last night", "shelter"),
        ("he drank too much again", "substance-use"),
        # Said the way the AHC HRSN screening questions ask about each need.
        ("the food she bought didn't last", "food"),
        ("staying with friends for now", "shelter"),
        ("the stove is not working and there is a lack of heat", "housing-repairs"),
        ("the oil company threatened to shut off services", "utilities"),
        ("no reliable transportation, missed appointments", "transportation"),
        ("can't make ends meet", "money"),
        ("needs help bathing and getting dressed", "aging-disability"),
        ("feeling down, no interest in anything", "mental-health"),
        ("Is there somewhere a teenager can stay tonight", "shelter"),
        ("quiere dejar de tomar", "substance-use"),
        ("la corrieron de su casa", "shelter"),
        # "Cut off" is a utility only when a utility is named; benefits cut off are a matter for legal aid.
        ("they're going to cut off her gas", "utilities"),
        ("her benefits got cut off and she wants to fight it", "legal"),
        # Care coordinators' shorthand.
        ("needs a PCP", "health-coverage"),
        ("needs HHA", "aging-disability"),
        ("unstably housed", "housing"),
        ("needs MH services", "mental-health"),
        ("LEP family, needs an interpreter", "education"),
        ("needs a CPAP", "aging-disability"),
        ("got a 3 day notice", "housing"),
        ("dad needs someone to bathe him", "aging-disability"),
        ("her boyfriend threatened her", "safety"),
        ("he keeps threatening her", "safety"),
        ("Is there somewhere a dad with two kids can sleep tonight?", "shelter"),
        ("she's 82 and can't cook anymore", "food"),
        # Open Eligibility's medical care: pregnancy care, birth control, testing, vaccinations.
        ("where can a pregnant teen get prenatal care", "health-coverage"),
        ("free condoms and STI testing", "health-coverage"),
        ("kids need shots for school", "health-coverage"),
        ("her kids have nothing to wear to school", "goods"),
        ("counseling for a kid whose dad died", "mental-health"),
        ("help with hoarding", "mental-health"),
        ("He's 19, aged out of foster care and has nowhere to live", "housing"),
        ("mi mamá no puede salir de la casa", "aging-disability"),
        ("busco una clínica que hable español", "health-coverage"),
        ("rental help for a family", "housing"),
        # Everyday wording of each need, as care coordinators relay it.
        ("kids are going to bed hungry", "food"),
        ("they're going to lose the house", "housing"),
        ("she's been bouncing between friends' couches", "shelter"),
        ("no roof over his head tonight", "shelter"),
        ("the toilet has been broken for a month", "housing-repairs"),
        ("water got turned off", "utilities"),
        ("he's talking about hurting himself", "mental-health"),
        ("hearing voices", "mental-health"),
        ("he's an alcoholic and wants to get clean", "substance-use"),
        ("her partner controls all the money", "safety"),
        ("husband pushed her down the stairs", "safety"),
        ("grandson is taking her social security check", "safety"),
        ("bills are piling up", "money"),
        ("laid off last week", "employment"),
        ("needs someone to watch the kids while she works", "childcare"),
        ("dad keeps wandering off", "aging-disability"),
        ("wants to meet other moms", "social-connection"),
        ("being sued by a debt collector", "legal"),
        ("needs a washer and dryer", "goods"),
        ("doesn't know how to use email", "digital"),
        ("there's a hole in the floor", "housing-repairs"),
        ("he's been really down since the layoff", "mental-health"),
        ("she's scared to go home", "safety"),
        ("grandma can't take care of herself anymore", "aging-disability"),
        ("wants to get his record expunged", "legal"),
        ("can't afford her blood pressure medicine", "health-coverage"),
        ("teen being trafficked", "safety"),
        ("being harassed by a bill collector", "legal"),
        ("her ex keeps showing up at her job", "safety"),
        ("how does she get to dialysis three times a week", "transportation"),
        ("la van a desalojar", "housing"),
        ("duerme en la calle", "shelter"),
        ("no hay nada en el refri", "food"),
        ("my client said they've been going without dinner so the kids can eat", "food"),
        ("couple with a dog living in their van", "shelter"),
        ("teen girl ran away and is sleeping at a friend's", "shelter"),
        ("she needs help paying a funeral", "money"),
        ("wants training to become a CNA", "employment"),
        ("grandpa keeps forgetting to take his meds", "aging-disability"),
        ("he's new to town and doesn't know anybody", "social-connection"),
        ("wrongful eviction", "legal"),
        ("they lost everything in a fire", "goods"),
        ("needs someone to drive him to chemo", "transportation"),
        ("the boys have no winter jackets", "goods"),
        ("dad keeps getting lost in the neighborhood", "aging-disability"),
        ("she's off her meds again", "mental-health"),
        ("drinking a fifth a day", "substance-use"),
        ("seven people squeezed into a one-bedroom", "housing"),
        ("a man pretending to be from the bank drained his savings", "money"),
        # A term written as two words
        ("borrow a wheel chair for a month", "aging-disability"),
        ("her baby sitter quit", "childcare"),
        ("home work help for a 6th grader", "education"),
        ("he has nowhere to lay his head", "shelter"),
        ("her boyfriend keeps hitting her", "safety"),
        ("grandpa forgets to eat when nobody's around", "food"),
        ("she needs a bedside commode", "aging-disability"),
        ("her son is cleaning out her bank account", "safety"),
        # A verb's past form is no thing handed out
        ("mom is wiped out looking after dad", "aging-disability"),
        ("ya no quiere vivir", "mental-health"),
        ("she can't afford to feed her dog", "goods"),
        ("OD'd twice this month and wants to start treatment", "substance-use"),
        ("kids are eating cereal for dinner every night", "food"),
        ("can't drive since the stroke, needs to get to PT", "transportation"),
        ("he's been talking about ending it", "mental-health"),
        ("grieving her son, can't get out of bed", "mental-health"),
        ("fired last week", "employment"),
        ("she hasn't talked to anyone in weeks", "social-connection"),
        ("doesn't have a phone", "digital"),
        ("help paying for meds", "health-coverage"),
        ("living out of his truck", "shelter"),
        ("the stairs are falling apart", "housing-repairs"),
        ("can't afford to fill the oil tank", "utilities"),
        ("her teenager is cutting herself", "mental-health"),
        ("wants to learn a trade", "employment"),
        ("vietnam vet needs help", "veterans"),
        ("she keeps saying everyone would be better off without her", "mental-health"),
        ("8 year old can't sit still in class and keeps getting sent home", "mental-health"),
        ("grandma can't get in and out of the tub safely anymore", "aging-disability"),
        ("the parents want to learn to speak the language", "education"),
        ("his back is shot so he can't work anymore", "money"),
        ("mom is rationing the baby's pampers", "goods"),
        ("it's 10 degrees out and he has nothing warmer", "goods"),
        ("necesito un lugar seguro para mí y mis hijos", "safety"),
        ("got a $14k bill from his admission", "health-coverage"),
        ("fridge is bare and payday isn't till the 15th", "food"),
        ("my 16 year old just told me he doesn't want to be here anymore", "mental-health"),
        ("her husband put his hands around her neck last night", "safety"),
        ("her nephew keeps taking her money", "safety"),
        ("just walked out of county lockup", "legal"),
        ("came back from deployment a different person", "veterans"),
        ("dad can't remember if he took his meds", "aging-disability"),
        ("mom has gone down twice this month", "aging-disability"),
        ("he wants to quit the bottle", "substance-use"),
        ("she's eight months along and has no insurance card", "health-coverage"),
        ("kitchen outlets spark when she plugs anything in", "housing-repairs"),
        ("heat wave this week and he cant afford to run the AC", "utilities"),
        ("d/c at 9pm, lives 40 miles out, how is she getting home", "transportation"),
        ("mom says her 15yo hasnt come out of his room in weeks", "mental-health"),
        ("wife is worn out from his using, are there meetings just for family", "substance-use"),
        ("pt says she was brought here for a job and they took her passport", "safety"),
        ("pt needs surgery but has nobody to watch her 3 kids", "childcare"),
        ("moved in but there's no bed in the new apartment", "goods"),
        ("someone to call him once a day, he just wants to talk", "social-connection"),
        ("ex wont return the kids after his weekend", "legal"),
        ("family cant afford to bury him", "money"),
        ("prepaid minutes ran out, clinic cant reach her", "digital"),
        ("widow of a veteran asking about survivor benefits", "veterans"),
        ("Mi mamá no maneja y tiene cita con el especialista", "transportation"),
        ("he's been sleeping in his pickup behind the grocery store", "shelter"),
        ("mi primo esta durmiendo en el carro con los cipotes", "shelter"),
        ("hay algun programa que de pases de guagua", "transportation"),
        ("el chamaco anda usando cristal", "substance-use"),
        ("la hija le esta quitando el pisto a la abuelita", "safety"),
        ("la trajeron a trabajar y no la dejan irse", "safety"),
        ("el patron no le quiere pagar las horas", "legal"),
        ("mi papa no sabe usar la compu", "digital"),
        ("es viuda de un veterano", "veterans"),
        ("pt needs a free cell fone", "digital"),
        ("eye care for a diabetic", "health-coverage"),
        ("septic backing up into the house", "housing-repairs"),
        ("medical alert button", "aging-disability"),
        ("power chair broken 2 months", "aging-disability"),
        ("OTH discharge, is he eligible for anything", "veterans"),
        ("adult briefs, medicaid only covers half", "goods"),
        ("parents found vapes and vodka in his backpack", "substance-use"),
        ("crew boss holding the workers passports", "safety"),
        ("lifeline phone", "digital"),
        # The thing qualified comes last: a wheelchair-accessible ride is a ride.
        ("wheelchair accessible transportation in Cedar Falls", "transportation"),
    ],
)
def test_detect_categories_understands_everyday_wording(text, expected_first):
    assert vocabulary.detect_categories(text)[0] == expected_first


def test_longer_terms_consume_their_words():
    # "substance abuse" is substance use, not also abuse (safety); "car repair" is transportation, not repairs.
    assert vocabulary.detect_categories("substance abuse") == ["substance-use"]
    assert vocabulary.detect_categories("car repair") == ["transportation"]
    assert vocabulary.detect_categories("power of attorney") == ["legal"]


def test_good_is_not_goods():
    assert vocabulary.detect_categories("a good dentist") == ["health-coverage"]
    assert vocabulary.detect_categories("household goods") == ["goods"]


def test_a_term_read_out_of_order_does_not_reach_across_and():
    assert vocabulary.detect_categories("food and dog grooming") == ["food"]
    assert "goods" in vocabulary.detect_categories("food for the dog")  # in any order within one need


def test_a_clinic_is_health_care_unless_the_words_around_it_make_it_another_kind():
    assert vocabulary.detect_categories("clinic open in the evening after work") == ["health-coverage"]
    assert "health-coverage" not in vocabulary.detect_categories("tax clinic")
    assert "health-coverage" not in vocabulary.detect_categories("legal clinic for tenants facing eviction")


def test_an_adverb_is_read_as_its_adjective_in_a_term():
    assert vocabulary.detect_categories("she was sexually assaulted at a party") == ["safety"]


def test_several_needs_are_all_detected():
    assert set(vocabulary.detect_categories("food and a ride to get there")) == {"food", "transportation"}
    assert set(vocabulary.detect_categories("needs a lawyer for an eviction")) == {"legal", "housing"}


def test_a_word_with_another_sense_nearby_is_not_that_need():
    assert vocabulary.detect_categories("vet for her cat") == []
    assert vocabulary.detect_categories("the dog needs a vet") == []
    # The other sense is read from the whole sentence, not only the words beside it.
    assert vocabulary.detect_categories("my dog is sick and I can't afford the vet") == []
    assert set(vocabulary.detect_categories("homeless vet")) == {"veterans", "shelter"}
    assert vocabulary.detect_categories("vets") == ["veterans"]
    assert vocabulary.detect_categories("dog walker") == []
    # Showing up is stalking when someone keeps doing it, or at her door: not showing up in a t-shirt.
    assert vocabulary.detect_categories("showed up in a t-shirt") == []
    assert vocabulary.detect_categories("all she has is a cracked phone") == []
    assert "safety" not in vocabulary.detect_categories("check cashing place takes 10% of his paycheck")
    assert "goods" not in vocabulary.detect_categories("released at 11pm, no ride no bed")
    # A phrase may have another sense too: beds for the kids are furniture, a bed after release is a night's stay.
    assert vocabulary.detect_categories("the kids have no beds") == ["goods"]
    assert "food" not in vocabulary.detect_categories("sleeping behind the grocery store")
    assert vocabulary.detect_categories("music therapy for dogs") == []


def test_capitals_only_abbreviations_ignore_ordinary_lower_case_words():
    assert vocabulary.detect_categories("VA benefits") == ["veterans"]
    assert vocabulary.detect_categories("the VA clinic")[0] == "veterans"  # a clinic, and the veterans
    assert vocabulary.detect_categories("se va a la cita") == []  # Spanish "goes"
    assert vocabulary.detect_categories("ice on the sidewalk") == []


def test_typos_need_fuzzy_matching_and_it_is_off_by_default():
    assert vocabulary.detect_categories("pantrey") == []
    assert vocabulary.detect_categories("pantrey", fuzzy=True) == ["food"]
    assert vocabulary.detect_categories("suboxen", fuzzy=True) == ["substance-use"]
    assert vocabulary.detect_categories("sheltr tonight", fuzzy=True) == ["shelter"]


def test_fuzzy_matching_does_not_invent_needs_from_ordinary_words():
    for text in ["where is the patient", "thanks everyone", "meeting moved to Thursday", "1234 5678", ""]:
        assert vocabulary.detect_categories(text, fuzzy=True) == [], text


def test_resource_text_is_not_labelled_by_its_contact_details():
    text = "Eastside Food Pantry, groceries Tue/Thu 2-6pm, phone 555-0142, 12 Main Street Eastport, Spanish spoken"
    assert vocabulary.detect_categories(text) == ["food"]


def test_find_terms_reports_positions_and_terms():
    matches = vocabulary.find_terms("food and a ride")
    assert [(m.category, m.term, m.start) for m in matches] == [
        ("food", "food", 0),
        ("transportation", "ride", 3),
    ]


def test_word_forms_never_invent_a_need():
    # "hit" with nobody hit, "ate" and "left" are ordinary words.
    assert vocabulary.detect_categories("the storm hit on Tuesday and we left early after we ate") == []


@pytest.mark.parametrize(
    "text, categories",
    [("he can't afford his electric bill and they're threatening shutoff", ["utilities"]),
     ("her landlord threatened to evict her", ["housing"])],
)  # fmt: skip
def test_a_threat_is_to_a_person_only_when_the_person_follows_it(text, categories):
    assert vocabulary.detect_categories(text, fuzzy=True) == categories


@pytest.mark.parametrize("text", ["the fridge died", "the car died on the highway", "a legal clinic"])
def test_died_is_grief_only_for_a_person_and_a_clinic_is_health_only_when_medical(text):
    assert {"mental-health", "health-coverage"}.isdisjoint(vocabulary.detect_categories(text, fuzzy=True))


def test_a_long_term_out_of_order_loses_to_a_shorter_one_in_order():
    # "can't pay bills" is there only out of order; "heating bill" is said as it is.
    assert vocabulary.detect_categories("huge heating bill she can't pay", fuzzy=True)[0] == "utilities"
    # Two words read in either order: "dialysis rides" are rides to dialysis.
    assert [m.term for m in vocabulary.find_terms("dialysis rides")] == ["rides to dialysis"]


@pytest.mark.parametrize(
    "text",
    ["Confidential location; no address listed. Call the 24/7 hotline.", "doesn't know how to use email"],
)
def test_a_resources_own_text_and_a_skill_are_not_read_as_homelessness_or_loneliness(text):
    assert {"shelter", "social-connection"}.isdisjoint(vocabulary.detect_categories(text, fuzzy=True))


def test_him_is_no_more_a_need_word_than_her():
    assert vocabulary.detect_categories("someone to check on her") == vocabulary.detect_categories(
        "someone to check on him") == ["aging-disability"]



def test_every_item_is_a_term_people_can_ask_with():
    terms = {vocabulary.normalize(term) for category in vocabulary.categories() for term in category.terms()}
    raw = json.loads(resources.files("bot.platform").joinpath("data/needs.json").read_text(encoding="utf-8"))
    assert raw["items"] and not [item for item in raw["items"] if vocabulary.normalize(item) not in terms]
    assert vocabulary.is_item("Formula") and not vocabulary.is_item("food pantry")


@pytest.mark.parametrize(
    ("category", "said", "service_word"),
    [("aging-disability", ["hospice"], "hospice"),
     ("health-coverage", ["fix my teeth", "dental"], "dental"),
     ("health-coverage", ["eyeglasses", "vision eye"], "eyeglasses"),
     ("money", ["funeral"], "funeral"),
     ("education", ["after school", "tutoring"], "tutoring")],
)  # fmt: skip
def test_a_service_of_its_own_within_a_need_is_known_with_where_it_is_filed(category, said, service_word):
    service = vocabulary.specific_service(category, said)
    assert category in service.filed_under and service_word in service.words and service.named_by_terms


@pytest.mark.parametrize(
    ("category", "said"),
    [("mental-health", ["depression"]), ("food", ["food pantry"]), ("health-coverage", ["insurance"]),
     # The words of a service said for another need: a ride to the dentist is transportation.
     ("transportation", ["ride", "dental"])],
)  # fmt: skip
def test_a_broad_need_is_no_service_of_its_own(category, said):
    assert vocabulary.specific_service(category, said) is None


def test_a_need_s_other_words_ask_for_a_service_by_a_phrase_or_a_long_word_only():
    service = vocabulary.specific_service("legal", ["lawyer"], "court appointed criminal defense lawyer")
    assert service.name == "criminal defense" and not service.named_by_terms
    assert vocabulary.specific_service("transportation", ["car"], "car transmission died").name == "car repair"
    # A short everyday word of the need's story asks for nothing: "keep an eye on her" is no eye care.
    assert vocabulary.specific_service("aging-disability", ["check on"], "keep eye on her check on") is None
