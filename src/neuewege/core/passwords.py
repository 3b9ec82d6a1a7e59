"""The password policy (AUTH_PASSWORD_VALIDATORS): wherever a password is set — the invitation's
set-password link, the password change, ``createsuperuser``, the admin — it must not be

1. similar to the account's own attributes (e-mail address, its local part, names), also after
   digits and symbols are stripped (``bca.wesel1`` is ``bcawesel``);
2. one common word or place name with digits or symbols added (``Passwort12``, ``Wesel2026!``):
   German words people use as passwords, the region and town names of NRW (from the database,
   so imported places count too), and zxcvbn's lists of leaked passwords, English words and
   names;
3. easy to guess by zxcvbn's estimate (score below 3, i.e. fewer than 10^8 guesses), which sees
   through the usual tricks: keyboard rows, sequences, repetitions, dates, l33t spellings and
   combinations of the words above.

Everything runs offline. zxcvbn (Dropbox's estimator, MIT) earns its place with rule 3: a list
alone cannot judge combinations. Django's validators (minimum length, its list of 20,000
common passwords, all digits) stay in front.
"""

import re
import unicodedata
from difflib import SequenceMatcher
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn
from zxcvbn.matching import RANKED_DICTIONARIES, add_frequency_lists

MIN_SCORE = 3
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters are judged
SIMILARITY = 0.7

# Common German words and names that people choose as passwords, compiled for this project
# (everyday words, family and pet names, seasons, months and weekdays, football clubs, the
# programme's own vocabulary). Umlauts are also matched in their ae/oe/ue/ss spelling.
GERMAN_WORDS = """
passwort kennwort geheim geheimnis hallo hallihallo willkommen zugang anmelden anmeldung
benutzer benutzername admin administrator test testen qwertz asdfgh yxcvbn start startseite
schatz schatzi schatzilein liebe liebling lieblings liebhaber herz herzchen kuss kuschel
mausi maus mäuschen hase hasi häschen bärchen baer bär teddy engel engelchen prinzessin
prinz könig koenig königin kaiser ritter held heldin zauberer hexe drache einhorn
sonne sonnenschein sonnenblume mond sterne stern himmel regenbogen wolke wolken regen schnee
sommer winter frühling fruehling herbst urlaub ferien strand meer insel berge wald garten
blume blumen rose rosen tulpe lilie schmetterling marienkäfer biene vogel adler falke
katze kater katzen hund hunde hündchen welpe pferd pony tiger löwe loewe wolf fuchs bello
januar februar märz maerz april mai juni juli august september oktober november dezember
montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag wochenende
eins zwei drei vier fünf fuenf sechs sieben acht neun zehn elf zwölf zwoelf hundert tausend
rot blau grün gruen gelb schwarz weiss weiß lila rosa orange braun grau silber gold
mama papa mutti vati oma opa omi opi mutter vater tochter sohn bruder schwester familie
kinder kind baby tante onkel freund freundin freunde freundschaft ehefrau ehemann hochzeit
fussball fußball schalke borussia dortmund bayern münchen muenchen werder bremen hertha
hamburg köln koeln kölle düsseldorf duesseldorf fortuna gladbach bochum leverkusen
deutschland germany europa berlin nordrhein westfalen nrw ruhrgebiet ruhrpott heimat
leben glück glueck glücklich gluecklich freude frieden freiheit hoffnung traum träume
zukunft wunder wunderbar wunderschön schön schoen super klasse toll geil cool spass spaß
computer internet handy telefon laptop fernseher auto motorrad fahrrad schule arbeit
büro buero firma chef kaffee bier wein wasser schokolade kuchen pizza nudeln currywurst
musik gitarre klavier tanzen singen lesen buch bücher spiel spiele gewinner verlierer
gott jesus kirche himmelreich teufel hölle hoelle vergessen vergiss nichtvergessen
sicher sicherheit schlüssel schluessel tür tuer haus wohnung zuhause daheim
neuewege neue wege familienzentrum familienzentren kita kindergarten kindertagesstätte
jobcenter jugendamt arbeitsagentur agentur arbeitsamt bundesagentur elterncafé elterncafe
elternkurs eltern fortbildung koordination koordinator koordinatorin region regionen kreis
stadt gemeinde verwaltung landesebene ministerium lotse lotsenbroschüre gütesiegel
fallmanager vermittlung beratung betreuung kinderbetreuung gleichstellung bildung
michael thomas andreas stefan stephan peter klaus jürgen juergen wolfgang frank markus
christian sebastian alexander daniel tobias jan lukas leon finn paul felix max maximilian
sabine petra ursula monika claudia andrea nicole stefanie julia anna lena laura lea sophie
marie emma mia hannah lisa katharina christina sandra melanie tanja nadine jessica
""".split()  # noqa: SIM905 - a word list reads better as text


def _spellings(word: str) -> set[str]:
    plain = word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return {word, plain, folded}


add_frequency_lists(
    {"german": list(dict.fromkeys(s for word in GERMAN_WORDS for s in _spellings(word)))}
)

LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)


def letters(value: str) -> set[str]:
    """The letters of ``value`` in lower case, digits and symbols stripped — read plainly and
    with l33t digits as letters (``P4ssw0rt!`` is ``passwort``), in every umlaut spelling."""
    value = unicodedata.normalize("NFKC", value).lower()
    cores = set()
    for reading in (value, value.translate(LEET)):
        core = "".join(char for char in reading if char.isalpha())
        if core:
            cores |= _spellings(core)
    return cores


def account_words(user) -> list[str]:
    """What a password must not resemble: the account's e-mail address, its local part and the
    pieces of both, and the names of the account and its person."""
    if user is None:
        return []
    email = (getattr(user, "email", "") or "").lower()
    local, _at, domain = email.partition("@")
    values = [email, local, *re.split(r"[\W_]+", local), *domain.split(".")[:-1]]
    values += [getattr(user, "first_name", ""), getattr(user, "last_name", "")]
    person = getattr(user, "person", None) if getattr(user, "person_id", None) else None
    if person is not None:
        values += [person.first_name, person.last_name]
    return [value for value in dict.fromkeys(v.strip().lower() for v in values) if len(value) >= 3]


def place_words() -> set[str]:
    """The names of the regions and of the towns of institutions: words of NRW, each on its
    own (``Rhein-Kreis Neuss`` gives ``rhein``, ``neuss`` …) and as a whole."""
    from .models import Institution, Region

    names = set(Region.objects.values_list("name", flat=True))
    names |= set(Institution.objects.values_list("town", flat=True).distinct())
    words = set()
    for name in names:
        parts = [name, *re.split(r"[\s\-/().,]+", name)]
        for part in parts:
            for spelling in letters(part):
                if len(spelling) >= 3:
                    words.add(spelling)
    return words


@cache
def _dictionary_words() -> frozenset[str]:
    return frozenset(word for ranked in RANKED_DICTIONARIES.values() for word in ranked)


def _similar(core: str, word: str) -> bool:
    return (
        core == word
        or (len(word) >= 4 and word in core and len(word) * 2 >= len(core))
        or SequenceMatcher(None, core, word).ratio() >= SIMILARITY
    )


class PasswordPolicyValidator:
    def validate(self, password, user=None):
        cores = letters(password)
        own = {core for word in account_words(user) for core in letters(word)}
        if any(_similar(core, word) for core in cores for word in own):
            raise ValidationError(
                _(
                    "This password is too similar to your e-mail address or name, also without"
                    " its digits and symbols."
                ),
                code="password_too_similar",
            )
        places = place_words()
        if cores & (places | _dictionary_words()):
            raise ValidationError(
                _(
                    "This password is a common word or place name with digits or symbols"
                    " added: such passwords are tried first."
                ),
                code="password_common_word",
            )
        inputs = [*account_words(user), *sorted(places)]
        result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=inputs)
        if result["score"] < MIN_SCORE:
            raise ValidationError(
                _(
                    "This password is too easy to guess. Use a short sentence or several words"
                    " that do not belong together."
                ),
                code="password_too_guessable",
            )

    def get_help_text(self):
        return _(
            "Use a short sentence or several words that do not belong together – not your name,"
            " your e-mail address, a place or a common word with digits added."
        )
