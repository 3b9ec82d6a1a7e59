"""The parents who book and their registrations: names, contacts, children and languages
drawn from the programme's target groups; bookings, cancellations and the waiting list
replayed in the order they happened."""

import unicodedata
from datetime import date, timedelta
from functools import lru_cache

# The parents: mostly mothers, from the programme's target groups.
ORIGIN_WEIGHTS = {"de": 45, "tr": 15, "ar": 12, "uk": 8, "pl": 7, "ru": 6, "other": 7}
ORIGIN_POOL = [origin for origin, weight in ORIGIN_WEIGHTS.items() for _ in range(weight)]
FIRST_NAMES = {
    "de": "Anna Lena Sarah Julia Laura Lisa Katharina Jessica Jennifer Nadine Sabrina Stefanie "
    "Melanie Christina Vanessa Janina Michelle Marie Sandra Nicole Daniel Tobias Marcel Dennis",
    "tr": "Ayşe Fatma Elif Zeynep Emine Hatice Merve Büşra Esra Özlem Derya Gülsüm Sibel Tuğba "
    "Mehmet Mustafa Emre",
    "ar": "Fatima Mariam Amira Nour Rania Huda Samira Layla Yasmin Aisha Rasha Dalia Hanan "
    "Mohammed Ahmad Omar",
    "uk": "Olena Oksana Iryna Nataliia Tetiana Yuliia Kateryna Anastasiia Viktoriia Svitlana "
    "Oleksandr Andrii",
    "pl": "Agnieszka Katarzyna Magdalena Joanna Małgorzata Ewa Monika Karolina Justyna Piotr "
    "Tomasz",
    "ru": "Natalja Jelena Olga Swetlana Tatjana Irina Marina Ljudmila Anastasia Sergej Dmitri",
    "other": "Rojda Berfin Zilan Zahra Maryam Parisa Ioana Elena Desislava Mariya Arta Blerta",
}
FIRST_NAMES = {origin: names.split() for origin, names in FIRST_NAMES.items()}
# (language of the booking, probability), otherwise German
BOOKING_LANGUAGE = {
    "tr": ("tr", 0.4),
    "ar": ("ar", 0.6),
    "uk": ("uk", 0.6),
    "pl": ("pl", 0.4),
    "ru": ("ru", 0.5),
    "other": ("en", 0.3),
}
LANGUAGE_NEEDS = {
    "de": (0.02, ["Ich höre schlecht, bitte vorne sitzen", "Bitte in einfacher Sprache"]),
    "tr": (0.2, ["Türkisch", "Dolmetscherin für Türkisch wäre gut", "Ich spreche wenig Deutsch"]),
    "ar": (0.45, ["Arabisch", "Bitte mit Übersetzung ins Arabische", "Ich verstehe wenig Deutsch"]),
    "uk": (0.4, ["Ukrainisch", "Ukrainisch oder Russisch", "Ich lerne noch Deutsch (B1)"]),
    "ru": (0.25, ["Russisch", "Bitte langsam sprechen"]),
    "pl": (0.2, ["Polnisch", "Polnisch oder Englisch"]),
    "other": (0.4, ["Kurdisch (Kurmancî)", "Farsi", "Rumänisch", "Bulgarisch", "Englisch"]),
}
MAIL_DOMAINS = ["example.org", "example.org", "mail.invalid", "post.invalid"]
# Telephone numbers from the blocks set aside for fictional use (films, examples).
PHONE_BLOCKS = ["030 23125", "069 90009", "040 66969", "0221 4710", "089 99998"]
ASCII = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})


@lru_cache(maxsize=4096)  # the few names of the pools above, for millions of parents
def ascii_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.translate(ASCII))
    return "".join(c for c in text if c.isascii() and c.isalpha()).lower()


class Registrations:
    """The part of ``EventGenerator`` that books: the registrations of one unit and the
    parents behind them (it uses the generator's ``random``, tables, consents and
    counts)."""

    def bookings(self, event_id, unit, capacity, wanted, window, anonymise_after, may_cancel):
        """Bookings of one unit in the order they came in, with some cancellations and the
        waiting list moving up; returns the ids of those confirmed and those waiting at the
        end. ``anonymise_after``: the end of the event, when its retention period is over."""
        rng = self.random
        opens, closes = window
        if closes <= opens:
            opens = closes - timedelta(hours=6)
        span = (closes - opens).total_seconds()
        booked_at = sorted(opens + timedelta(seconds=rng.random() * span) for _ in range(wanted))
        changes = []  # (time, order, index, kind)
        for index, at in enumerate(booked_at):
            changes.append((at, 0, index, "book"))
            if may_cancel and rng.random() < 0.08:
                rest = (closes - at).total_seconds()
                changes.append((at + timedelta(seconds=rng.random() * rest), 1, index, "cancel"))
        changes.sort()
        confirmed_at, cancelled_at = {}, {}
        confirmed, waiting = set(), []
        for at, _order, index, kind in changes:
            if kind == "book":
                if len(confirmed) < capacity and not waiting:
                    confirmed.add(index)
                    confirmed_at[index] = at
                else:
                    waiting.append(index)
                continue
            cancelled_at[index] = at
            if index in confirmed:
                confirmed.discard(index)
                if waiting:
                    moved = waiting.pop(0)
                    confirmed.add(moved)
                    confirmed_at[moved] = at
            else:
                waiting.remove(index)
        anonymised_at = None
        if anonymise_after is not None:
            anonymised_at = min(anonymise_after + self.retention + timedelta(days=1), self.now)
        confirmed_ids, waiting_ids = [], {}
        for index, at in enumerate(booked_at):
            status = "confirmed" if index in confirmed else "waitlisted"
            if index in cancelled_at:
                status = "cancelled"
            name, email, phone, ages, needs, language, survey = self.parent(anonymised_at)
            survey_id = self.survey_consent.pk if survey and self.survey_consent else None
            registration_id = self.registrations.add(
                event_id,
                unit,
                status,
                "staff" if rng.random() < 0.22 else "online",
                name,
                email,
                phone,
                ages,
                needs,
                language,
                self.consent.pk,
                at,
                survey_id,
                at if survey_id else None,
                at,
                confirmed_at.get(index) if status == "confirmed" else None,
                cancelled_at.get(index),
                anonymised_at,
            )
            self.counts.registrations += 1
            self.counts.by_status[status] += 1
            if status == "confirmed":
                confirmed_ids.append(registration_id)
            elif status == "waitlisted":
                waiting_ids[index] = registration_id
        return confirmed_ids, [waiting_ids[index] for index in waiting]

    def parent(self, anonymised: bool):
        """first name, e-mail, phone, child ages, language needs, language, survey consent
        (the last item is only used to set the consent fields)."""
        rng = self.random
        origin = ORIGIN_POOL[int(rng.random() * len(ORIGIN_POOL))]
        children = rng.choice((0, 1, 1, 1, 2, 2, 3))
        ages = sorted(rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8)) for _ in range(children))
        language = "de"
        if origin in BOOKING_LANGUAGE and rng.random() < BOOKING_LANGUAGE[origin][1]:
            language = BOOKING_LANGUAGE[origin][0]
        survey = rng.random() < 0.55
        if anonymised:
            return ("", "", "", ages, "", language, survey)
        name = rng.choice(FIRST_NAMES[origin])
        self.contact_number += 1
        number = self.contact_number
        email = phone = ""
        way = rng.random()
        if way < 0.85:
            email = f"{ascii_name(name)}.{number}@{rng.choice(MAIL_DOMAINS)}"
        if way > 0.55:
            block = PHONE_BLOCKS[number % len(PHONE_BLOCKS)]
            phone = f"{block} {(number // len(PHONE_BLOCKS)) % 1000:03d}"
        share, needs = LANGUAGE_NEEDS[origin]
        need = rng.choice(needs) if rng.random() < share else ""
        return (name, email, phone, ages, need, language, survey)

    def upcoming_demand(self, capacity: int, day: date) -> int:
        """Bookings so far for a date ahead: the nearer, the fuller."""
        ahead, rng = (day - self.today).days, self.random
        if ahead <= 7:
            share = rng.uniform(0.4, 1.25)
        elif ahead <= 21:
            share = rng.uniform(0.1, 0.5)
        elif ahead <= 42:
            share = rng.uniform(0.0, 0.15)
        else:
            share = rng.uniform(0.0, 0.03)
        return int(capacity * share)
