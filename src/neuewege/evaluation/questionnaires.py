"""The shipped questionnaires. German is the source; the parents' follow-up is also in the six
other languages of the parent pages (short sentences, plain words: many parents read German as
a second language), the feedback of professionals in German and English.

Loaded by migration 0002 with ``load_questionnaires``, which is idempotent: a version already
in the database is left alone, because a published version never changes. To change a
questionnaire, add its next version here (same question codes where the meaning stays) and a
migration that runs the loader again.
"""

PARENT_FOLLOW_UP = "parent_follow_up"
SPEAKER_FEEDBACK = "speaker_feedback"
CENTRE_FEEDBACK = "centre_feedback"
TRAINING_FEEDBACK = "training_feedback"

_COMMENTS = {
    "code": "comments",
    "kind": "free_text",
    "required": False,
    "text": {
        "de": "Was möchten Sie uns noch mitteilen?",
        "en": "Is there anything else you would like to tell us?",
    },
    "help_text": {
        "de": "Zum Beispiel: Was lief gut, was sollte sich ändern?",
        "en": "For example: what went well, what should change?",
    },
}


def _scale(code, text, low, high):
    return {
        "code": code,
        "kind": "scale_1_5",
        "required": True,
        "text": text,
        "help_text": {
            "de": f"1 = {low['de']}, 5 = {high['de']}",
            "en": f"1 = {low['en']}, 5 = {high['en']}",
        },
    }


QUESTIONNAIRES = [
    {
        "code": PARENT_FOLLOW_UP,
        "version": 1,
        "audience": "parents",
        "title": {
            "de": "Nachbefragung: Wie ging es weiter?",
            "en": "Follow-up survey: what happened next?",
            "tr": "Takip anketi: Sonra ne oldu?",
            "ar": "استبيان المتابعة: ماذا حدث بعد ذلك؟",
            "uk": "Опитування: що було далі?",
            "ru": "Опрос: что было дальше?",
            "pl": "Ankieta: co było dalej?",
        },
        "intro": {
            "de": "Sie waren bei einer Veranstaltung im Familienzentrum. Wir möchten wissen, wie "
            "es danach weiterging. Es sind nur wenige kurze Fragen. Die Befragung ist freiwillig "
            "und anonym: Niemand erfährt, was Sie geantwortet haben.",
            "en": "You took part in an event at the family centre. We would like to know what "
            "happened afterwards. There are only a few short questions. The survey is voluntary "
            "and anonymous: nobody will know what you answered.",
            "tr": "Aile merkezinde bir etkinliğe katıldınız. Sonrasında neler olduğunu öğrenmek "
            "istiyoruz. Sadece birkaç kısa soru var. Anket gönüllüdür ve anonimdir: Ne cevap "
            "verdiğinizi kimse öğrenmez.",
            "ar": "شاركتم في فعالية في مركز الأسرة. نودّ أن نعرف ماذا حدث بعد ذلك. هناك بضعة "
            "أسئلة قصيرة فقط. المشاركة طوعية ودون ذكر الاسم: لن يعرف أحد بماذا أجبتم.",
            "uk": "Ви були на заході в сімейному центрі. Ми хочемо дізнатися, що було далі. Тут "
            "лише кілька коротких запитань. Опитування добровільне й анонімне: ніхто не "
            "дізнається, що ви відповіли.",
            "ru": "Вы были на мероприятии в семейном центре. Мы хотим узнать, что было дальше. "
            "Здесь всего несколько коротких вопросов. Опрос добровольный и анонимный: никто не "
            "узнает, что вы ответили.",
            "pl": "Dziękujemy za udział w wydarzeniu w centrum rodzinnym. Chcemy wiedzieć, co było "
            "dalej. To tylko kilka krótkich pytań. Ankieta jest dobrowolna i anonimowa: nikt nie "
            "dowie się, co odpowiesz.",
        },
        "questions": [
            {
                "code": "took_step",
                "kind": "yes_no",
                "required": True,
                "text": {
                    "de": "Haben Sie seit der Veranstaltung einen konkreten Schritt in Richtung "
                    "Arbeit gemacht?",
                    "en": "Since the event, have you taken a concrete step towards work?",
                    "tr": "Etkinlikten sonra iş yolunda somut bir adım attınız mı?",
                    "ar": "هل قمتم بخطوة ملموسة نحو العمل منذ الفعالية؟",
                    "uk": "Чи зробили ви після заходу конкретний крок до роботи?",
                    "ru": "Сделали ли вы после мероприятия конкретный шаг к работе?",
                    "pl": "Czy po wydarzeniu udało Ci się zrobić konkretny krok w stronę pracy?",
                },
                "help_text": {
                    "de": "Zum Beispiel: ein Termin zur Beratung, eine Bewerbung oder ein Kurs.",
                    "en": "For example: a counselling appointment, a job application or a course.",
                    "tr": "Örneğin: bir danışmanlık randevusu, bir iş başvurusu veya bir kurs.",
                    "ar": "مثلاً: موعد استشارة، أو طلب عمل، أو دورة.",
                    "uk": "Наприклад: консультація, заявка на роботу або курс.",
                    "ru": "Например: консультация, отклик на вакансию или курс.",
                    "pl": "Na przykład: rozmowa z doradcą, wysłanie CV albo kurs.",
                },
            },
            {
                "code": "steps",
                "kind": "multiple_choice",
                "required": True,
                "condition": ("took_step", "yes"),
                "text": {
                    "de": "Welche Schritte waren das?",
                    "en": "Which steps were they?",
                    "tr": "Hangi adımları attınız?",
                    "ar": "ما هي هذه الخطوات؟",
                    "uk": "Які це були кроки?",
                    "ru": "Какие это были шаги?",
                    "pl": "Jakie to były kroki?",
                },
                "help_text": {
                    "de": "Sie können mehrere Antworten ankreuzen.",
                    "en": "You can tick more than one answer.",
                    "tr": "Birden fazla cevap işaretleyebilirsiniz.",
                    "ar": "يمكنكم اختيار أكثر من إجابة.",
                    "uk": "Можна вибрати кілька відповідей.",
                    "ru": "Можно выбрать несколько ответов.",
                    "pl": "Możesz zaznaczyć kilka odpowiedzi.",
                },
                "choices": [
                    {
                        "code": "counselling",
                        "label": {
                            "de": "Beratungstermin bei der Agentur für Arbeit oder beim Jobcenter",
                            "en": "Counselling appointment at the employment agency or the job "
                            "centre",
                            "tr": "İş Ajansı'nda veya Jobcenter'da danışmanlık randevusu",
                            "ar": "موعد استشارة في وكالة العمل أو في مركز العمل (Jobcenter)",
                            "uk": "Консультація в Агентстві з питань праці або в Jobcenter",
                            "ru": "Консультация в Агентстве по труду или в Jobcenter",
                            "pl": "Rozmowa z doradcą w Agencji Pracy lub w Jobcenter",
                        },
                    },
                    {
                        "code": "application",
                        "label": {
                            "de": "Bewerbung geschickt",
                            "en": "Sent a job application",
                            "tr": "İş başvurusu",
                            "ar": "طلب عمل",
                            "uk": "Заявка на роботу",
                            "ru": "Отклик на вакансию",
                            "pl": "Wysłane CV",
                        },
                    },
                    {
                        "code": "training",
                        "label": {
                            "de": "Weiterbildung oder Qualifizierung angefangen",
                            "en": "Started further training or a qualification",
                            "tr": "Eğitim veya mesleki kurs",
                            "ar": "تدريب أو تأهيل مهني",
                            "uk": "Навчання або підвищення кваліфікації",
                            "ru": "Обучение или повышение квалификации",
                            "pl": "Szkolenie lub kurs zawodowy",
                        },
                    },
                    {
                        "code": "internship",
                        "label": {
                            "de": "Praktikum angefangen",
                            "en": "Started an internship",
                            "tr": "Staj",
                            "ar": "تدريب عملي في مكان عمل (Praktikum)",
                            "uk": "Практика",
                            "ru": "Практика",
                            "pl": "Praktyka lub staż",
                        },
                    },
                    {
                        "code": "job",
                        "label": {
                            "de": "Arbeit angefangen",
                            "en": "Started a job",
                            "tr": "Yeni bir iş",
                            "ar": "عمل جديد",
                            "uk": "Нова робота",
                            "ru": "Новая работа",
                            "pl": "Nowa praca",
                        },
                    },
                    {
                        "code": "childcare",
                        "label": {
                            "de": "Kinderbetreuung geregelt",
                            "en": "Arranged childcare",
                            "tr": "Çocuk bakımı ayarlandı",
                            "ar": "تنظيم رعاية الأطفال",
                            "uk": "Догляд за дітьми організовано",
                            "ru": "Присмотр за детьми организован",
                            "pl": "Opieka nad dziećmi zorganizowana",
                        },
                    },
                    {
                        "code": "other",
                        "label": {
                            "de": "Etwas anderes",
                            "en": "Something else",
                            "tr": "Başka bir şey",
                            "ar": "شيء آخر",
                            "uk": "Інше",
                            "ru": "Другое",
                            "pl": "Coś innego",
                        },
                    },
                ],
            },
            {
                "code": "useful",
                "kind": "scale_1_5",
                "required": True,
                "text": {
                    "de": "Wie hilfreich war die Veranstaltung für Sie?",
                    "en": "How helpful was the event for you?",
                    "tr": "Etkinlik sizin için ne kadar faydalıydı?",
                    "ar": "إلى أي مدى كانت الفعالية مفيدة لكم؟",
                    "uk": "Наскільки корисним для вас був захід?",
                    "ru": "Насколько полезным для вас было мероприятие?",
                    "pl": "Na ile wydarzenie było dla Ciebie pomocne?",
                },
                "help_text": {
                    "de": "1 = gar nicht hilfreich, 5 = sehr hilfreich",
                    "en": "1 = not helpful at all, 5 = very helpful",
                    "tr": "1 = hiç faydalı değil, 5 = çok faydalı",
                    "ar": "1 = غير مفيدة أبداً، 5 = مفيدة جداً",
                    "uk": "1 = зовсім не корисний, 5 = дуже корисний",
                    "ru": "1 = совсем не полезно, 5 = очень полезно",
                    "pl": "1 = wcale niepomocne, 5 = bardzo pomocne",
                },
            },
            {
                "code": "missing",
                "kind": "free_text",
                "required": False,
                "text": {
                    "de": "Was hat Ihnen gefehlt? Was können wir besser machen?",
                    "en": "What was missing? What could we do better?",
                    "tr": "Neyi eksik buldunuz? Neyi daha iyi yapabiliriz?",
                    "ar": "ما الذي كان ينقصكم؟ ماذا يمكننا أن نحسّن؟",
                    "uk": "Чого вам бракувало? Що ми можемо зробити краще?",
                    "ru": "Чего вам не хватило? Что мы можем сделать лучше?",
                    "pl": "Czego Ci brakowało? Co możemy zrobić lepiej?",
                },
                "help_text": {
                    "de": "Diese Frage ist freiwillig. Bitte schreiben Sie keine Namen und keine "
                    "Telefonnummern.",
                    "en": "This question is optional. Please do not write any names or phone "
                    "numbers.",
                    "tr": "Bu soru isteğe bağlıdır. Lütfen isim veya telefon numarası yazmayın.",
                    "ar": "هذا السؤال اختياري. من فضلكم لا تكتبوا أسماء ولا أرقام هواتف.",
                    "uk": "Це запитання необов'язкове. Будь ласка, не пишіть імен і номерів "
                    "телефонів.",
                    "ru": "Этот вопрос необязательный. Пожалуйста, не пишите имён и номеров "
                    "телефонов.",
                    "pl": "To pytanie nie jest obowiązkowe. Prosimy nie wpisywać imion ani "
                    "numerów telefonów.",
                },
            },
        ],
    },
    {
        "code": SPEAKER_FEEDBACK,
        "version": 1,
        "audience": "speakers",
        "title": {
            "de": "Rückmeldung der Referentinnen und Referenten",
            "en": "Speakers' feedback",
        },
        "intro": {
            "de": "Bitte sagen Sie uns kurz, wie die Veranstaltung im Familienzentrum für Sie "
            "war. Ihre Rückmeldung hilft der Region, die Veranstaltungen weiter zu verbessern.",
            "en": "Please tell us briefly how the event at the family centre went for you. Your "
            "feedback helps the region to keep improving the events.",
        },
        "questions": [
            _scale(
                "setting",
                {
                    "de": "Wie gut eignete sich das Familienzentrum als Ort für die Veranstaltung?",
                    "en": "How well did the family centre suit the event as a setting?",
                },
                {"de": "gar nicht", "en": "not at all"},
                {"de": "sehr gut", "en": "very well"},
            ),
            _scale(
                "access",
                {
                    "de": "Wie leicht kamen Sie mit den Eltern in Kontakt?",
                    "en": "How easily did you get in touch with the parents?",
                },
                {"de": "sehr schwer", "en": "very hard"},
                {"de": "sehr leicht", "en": "very easily"},
            ),
            _scale(
                "openness",
                {
                    "de": "Wie offen waren die Gespräche mit den Eltern?",
                    "en": "How open were the conversations with the parents?",
                },
                {"de": "gar nicht offen", "en": "not open at all"},
                {"de": "sehr offen", "en": "very open"},
            ),
            _COMMENTS,
        ],
    },
    {
        "code": CENTRE_FEEDBACK,
        "version": 1,
        "audience": "family_centres",
        "title": {
            "de": "Rückmeldung des Familienzentrums",
            "en": "Family centre's feedback",
        },
        "intro": {
            "de": "Bitte sagen Sie uns kurz, wie die Veranstaltung für Ihr Familienzentrum war. "
            "Ihre Rückmeldung hilft der Region, die Veranstaltungen weiter zu verbessern.",
            "en": "Please tell us briefly how the event went for your family centre. Your "
            "feedback helps the region to keep improving the events.",
        },
        "questions": [
            _scale(
                "effort",
                {
                    "de": "Wie viel Aufwand war es, Eltern für die Veranstaltung zu gewinnen?",
                    "en": "How much effort did it take to win parents for the event?",
                },
                {"de": "sehr wenig", "en": "very little"},
                {"de": "sehr viel", "en": "a great deal"},
            ),
            _scale(
                "fit",
                {
                    "de": "Wie gut passte die Veranstaltung zum Angebot Ihres Familienzentrums?",
                    "en": "How well did the event fit with what your family centre offers?",
                },
                {"de": "gar nicht", "en": "not at all"},
                {"de": "sehr gut", "en": "very well"},
            ),
            _COMMENTS,
        ],
    },
    {
        "code": TRAINING_FEEDBACK,
        "version": 1,
        "audience": "training_participants",
        "title": {
            "de": "Rückmeldung zur Kooperativen Fortbildung",
            "en": "Feedback on the cooperative training",
        },
        "intro": {
            "de": "Bitte sagen Sie uns kurz, was Ihnen die Fortbildung gebracht hat.",
            "en": "Please tell us briefly what the training gave you.",
        },
        "questions": [
            _scale(
                "exchange",
                {
                    "de": "Wie hilfreich war der Austausch mit Fachkräften der anderen "
                    "Institutionen?",
                    "en": "How helpful was the exchange with professionals of the other "
                    "institutions?",
                },
                {"de": "gar nicht hilfreich", "en": "not helpful at all"},
                {"de": "sehr hilfreich", "en": "very helpful"},
            ),
            _scale(
                "insights",
                {
                    "de": "Wie viel Neues haben Sie für Ihre Arbeit erfahren?",
                    "en": "How much did you learn that is new for your work?",
                },
                {"de": "nichts", "en": "nothing"},
                {"de": "sehr viel", "en": "a great deal"},
            ),
            _scale(
                "prejudice",
                {
                    "de": "Wie sehr hat die Fortbildung Vorbehalte gegenüber den anderen "
                    "Institutionen abgebaut?",
                    "en": "How far did the training reduce reservations about the other "
                    "institutions?",
                },
                {"de": "gar nicht", "en": "not at all"},
                {"de": "sehr", "en": "very much"},
            ),
            _COMMENTS,
        ],
    },
]


def load_questionnaires(apps, schema_editor):
    """Create every shipped version that is not yet in the database, published."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        # with the live models (tests) a plain column writes the active language's twin
        _load(apps)


def _load(apps):
    from django.utils import timezone

    questionnaire_model = apps.get_model("evaluation", "Questionnaire")
    question_model = apps.get_model("evaluation", "Question")
    choice_model = apps.get_model("evaluation", "Choice")
    now = timezone.now()
    for entry in QUESTIONNAIRES:
        if questionnaire_model.objects.filter(
            code=entry["code"], version=entry["version"]
        ).exists():
            continue
        questionnaire = questionnaire_model.objects.create(
            code=entry["code"],
            version=entry["version"],
            audience=entry["audience"],
            published_at=now,
            **_texts("title", entry["title"]),
            **_texts("intro", entry["intro"]),
        )
        created = {}
        for position, spec in enumerate(entry["questions"], start=1):
            condition_code, condition_choice = spec.get("condition", (None, ""))
            question = question_model.objects.create(
                questionnaire=questionnaire,
                position=position,
                code=spec["code"],
                kind=spec["kind"],
                required=spec["required"],
                min_value=spec.get("min_value"),
                max_value=spec.get("max_value"),
                condition_question=created.get(condition_code),
                condition_choice=condition_choice,
                **_texts("text", spec["text"]),
                **_texts("help_text", spec.get("help_text", {"de": ""})),
            )
            created[spec["code"]] = question
            for number, choice in enumerate(spec.get("choices", []), start=1):
                choice_model.objects.create(
                    question=question,
                    position=number,
                    code=choice["code"],
                    **_texts("label", choice["label"]),
                )


def _texts(name, texts):
    """The German text in the plain column (and its ``_de`` twin), the translations beside."""
    return {name: texts["de"], **{f"{name}_{code}": text for code, text in texts.items()}}
