"""Text is made plain before any rule looks at it, so hidden characters and look-alikes cannot smuggle an
identifier past the rules, and Slack's markup is read the way a person sees it.

- NFKC (full-width and styled letters and digits become plain ones), every Unicode decimal digit becomes 0-9.
- Zero-width and other invisible characters are dropped; unusual spaces become plain spaces.
- Latin look-alikes from Cyrillic and Greek (а, е, о, р, с, х, ...) become Latin letters inside words that mix
  scripts or are made only of look-alikes ("Маria" typed with a Cyrillic М).
- Letters typed for digits inside a number ("O3/O4/l941") become digits when digits are most of it.
- Slack links to an email or phone (`<mailto:a@b.org|a@b.org>`, `<tel:5550142|555-0142>`) become the plain
  address or number; a user mention keeps its id and loses its display-name label (`<@U123|ana>` -> `<@U123>`),
  because the label can be a person's name and Slack shows the name from the id anyway.

Every pass is one linear scan.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c"
        "\u206d\u206e\u206f\ufeff\u034f"),
    None,
)
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]")

# Cyrillic and Greek letters that look like Latin ones.
_CONFUSABLES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеіјорсуххѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρτυ",
    "ABESIJKMHOPCTXYaeijopcyxxsdqwABEZHIKMNOPTYXoivpty",
)
_CONFUSABLE_CHARS = frozenset("АВЕЅІЈКМНОРСТХУаеіјорсуххѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρτυ")
_WORD = re.compile(r"[^\W\d_]{1,200}")
_NON_ASCII_DIGIT = re.compile(r"[^\x00-\x7f]")

# Letters typed for digits inside a number ("O3/O4/l941", "4l2-55-9O21"): a run of digits, O, o, I, l and
# separators with four digits or more, more digits than letters.
_DIGITISH = re.compile(r"(?<![^\W\d_])[0-9OoIl](?:[0-9OoIl]|[/.\-](?=[0-9OoIl])){4,40}(?![^\W\d_])")
_AS_DIGIT = str.maketrans("OoIl", "0011")

_SLACK_LINK = re.compile(r"<(?:mailto|tel):([^|<>\s]{1,200})(?:\|([^<>\n]{0,200}))?>", re.IGNORECASE)
_SLACK_MENTION_LABEL = re.compile(r"<@([UW][A-Z0-9]{1,20})\|[^<>\n]{0,120}>")


def _fold_word(match: re.Match[str]) -> str:
    word = match.group()
    confusable = sum(1 for char in word if char in _CONFUSABLE_CHARS)
    if not confusable:
        return word
    latin = sum(1 for char in word if "a" <= char.lower() <= "z")
    if latin or confusable == len(word):
        return word.translate(_CONFUSABLES)
    return word


def _ascii_digit(match: re.Match[str]) -> str:
    char = match.group()
    digit = unicodedata.digit(char, None)
    return str(digit) if digit is not None and unicodedata.category(char) == "Nd" else char


def _digits_for_letters(match: re.Match[str]) -> str:
    run = match.group()
    digits = sum(char.isdigit() for char in run)
    letters = sum(char in "OoIl" for char in run)
    return run.translate(_AS_DIGIT) if letters and digits >= 4 and digits > letters else run


def _as_seen(link: re.Match[str]) -> str:
    # The label as shown when it is the address or number itself ("617-555-0125" for tel:+16175550125); the
    # target otherwise, so a label such as "call us" cannot hide what the link holds.
    target, label = link.group(1).split("?")[0], (link.group(2) or "").strip()
    shown_as_target = "@" in label or sum(char.isdigit() for char in label) >= 7
    return label if shown_as_target else target


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _ODD_SPACES.sub(" ", text)
    if not text.isascii():
        text = _NON_ASCII_DIGIT.sub(_ascii_digit, text)
        text = _WORD.sub(_fold_word, text)
    text = _DIGITISH.sub(_digits_for_letters, text)
    text = _SLACK_LINK.sub(_as_seen, text)
    return _SLACK_MENTION_LABEL.sub(r"<@\1>", text)
