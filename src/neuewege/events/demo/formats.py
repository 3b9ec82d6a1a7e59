"""What the demo events of each format are: the format codes, their times of day, titles and
descriptions in every language, target groups, languages, and reasons for cancelling."""

CAFE, INFO, COURSE = "parent_cafe", "info_session", "parent_course"
# Local times (minutes after midnight): within 9:00-16:00, afternoons Monday to Thursday only.
TIMES = {
    CAFE: [(540, 630), (570, 660), (600, 690), (660, 750), (840, 930)],
    INFO: [(570, 660), (600, 660), (600, 690), (780, 840), (870, 960)],
    COURSE: [(540, 660), (570, 690), (840, 960)],
}
FRIDAY_CLOSES = 14 * 60

TITLES = {
    CAFE: [
        (
            ["labour_market", "return_to_work", "childcare"],
            {
                "de": "Elterncafé: Zurück in den Beruf",
                "en": "Parents' café: back to work",
                "tr": "Ebeveyn kafesi: İşe geri dönüş",
                "ar": "مقهى الآباء والأمهات: العودة إلى العمل",
                "uk": "Батьківське кафе: повернення до роботи",
                "ru": "Родительское кафе: возвращение на работу",
                "pl": "Kawiarenka dla rodziców: powrót do pracy",
            },
        ),
        (
            ["labour_market", "childcare"],
            {
                "de": "Elterncafé: Arbeit und Familie",
                "en": "Parents' café: work and family",
                "tr": "Ebeveyn kafesi: İş ve aile",
                "ar": "مقهى الآباء والأمهات: العمل والأسرة",
                "uk": "Батьківське кафе: робота і сім'я",
                "ru": "Родительское кафе: работа и семья",
                "pl": "Kawiarenka dla rodziców: praca i rodzina",
            },
        ),
        (
            ["return_to_work", "benefits"],
            {
                "de": "Frühstückscafé für Mütter und Väter",
                "en": "Breakfast café for mothers and fathers",
                "tr": "Anneler ve babalar için kahvaltı kafesi",
                "ar": "مقهى الفطور للأمهات والآباء",
                "uk": "Кафе-сніданок для мам і тат",
                "ru": "Кафе-завтрак для мам и пап",
                "pl": "Kawiarenka śniadaniowa dla mam i tatów",
            },
        ),
    ],
    INFO: [
        (
            ["return_to_work", "labour_market"],
            {
                "de": "Wiedereinstieg in den Beruf",
                "en": "Returning to work",
                "tr": "İşe yeniden başlama",
                "ar": "العودة إلى الحياة المهنية",
                "uk": "Повернення до професії",
                "ru": "Возвращение в профессию",
                "pl": "Powrót do pracy zawodowej",
            },
        ),
        (
            ["part_time_training", "career_orientation"],
            {
                "de": "Ausbildung in Teilzeit: Wie geht das?",
                "en": "Part-time vocational training: how does it work?",
                "tr": "Yarı zamanlı meslek eğitimi: Nasıl olur?",
                "ar": "التدريب المهني بدوام جزئي: كيف يتم ذلك؟",
                "uk": "Професійне навчання неповний день: як це працює?",
                "ru": "Профессиональное обучение на неполный день: как это устроено?",
                "pl": "Nauka zawodu w niepełnym wymiarze: jak to działa?",
            },
        ),
        (
            ["labour_market", "benefits"],
            {
                "de": "Minijob, Teilzeit, Vollzeit: Was passt zu mir?",
                "en": "Mini-job, part-time, full-time: what suits me?",
                "tr": "Mini iş, yarı zamanlı, tam zamanlı: Bana hangisi uygun?",
                "ar": "عمل صغير، دوام جزئي، دوام كامل: ما الذي يناسبني؟",
                "uk": "Мініджоб, неповний чи повний день: що мені підходить?",
                "ru": "Миниджоб, неполный или полный день: что мне подходит?",
                "pl": "Minijob, część etatu, pełny etat: co do mnie pasuje?",
            },
        ),
        (
            ["applications", "childcare"],
            {
                "de": "Bewerben mit Kindern",
                "en": "Applying for jobs with children",
                "tr": "Çocuklarla iş başvurusu",
                "ar": "التقدّم للوظائف مع وجود أطفال",
                "uk": "Як шукати роботу, маючи дітей",
                "ru": "Как искать работу, имея детей",
                "pl": "Szukanie pracy z dziećmi",
            },
        ),
        (
            ["childcare", "benefits"],
            {
                "de": "Kinderbetreuung und Arbeit: Was ist möglich?",
                "en": "Childcare and work: what is possible?",
                "tr": "Çocuk bakımı ve iş: Neler mümkün?",
                "ar": "رعاية الأطفال والعمل: ما الممكن؟",
                "uk": "Догляд за дітьми і робота: що можливо?",
                "ru": "Присмотр за детьми и работа: что возможно?",
                "pl": "Opieka nad dziećmi i praca: co jest możliwe?",
            },
        ),
    ],
    COURSE: [
        (
            ["return_to_work", "career_orientation", "childcare"],
            {
                "de": "Elternkurs „Neue Wege“: Mein Weg in Arbeit",
                "en": "Parents' course “Neue Wege”: my way into work",
                "tr": "“Neue Wege” ebeveyn kursu: İşe giden yolum",
                "ar": "دورة „Neue Wege“ للآباء والأمهات: طريقي إلى العمل",
                "uk": "Курс для батьків «Neue Wege»: мій шлях до роботи",
                "ru": "Курс для родителей «Neue Wege»: мой путь к работе",
                "pl": "Kurs dla rodziców „Neue Wege”: moja droga do pracy",
            },
        ),
    ],
}
DESCRIPTIONS = {
    CAFE: {
        "de": "Bei Kaffee und Tee sprechen wir über Arbeit und Familie. Eine Fachkraft vom "
        "Jobcenter oder von der Agentur für Arbeit ist dabei und beantwortet Ihre Fragen. Sie "
        "können einfach vorbeikommen und zuhören. Ihre Kinder werden in der Zeit betreut.",
        "en": "Over coffee and tea we talk about work and family. Someone from the job centre "
        "or the employment agency is there and answers your questions. You can simply come "
        "and listen. Your children are looked after meanwhile.",
        "tr": "Çay ve kahve eşliğinde iş ve aile hakkında konuşuyoruz. Jobcenter'dan veya İş "
        "Ajansı'ndan bir uzman da orada ve sorularınızı yanıtlıyor. Sadece gelip "
        "dinleyebilirsiniz. Bu sırada çocuklarınıza bakılır.",
        "ar": "نتحدث عن العمل والأسرة مع القهوة والشاي. يحضر معنا مختص من مركز العمل "
        "(Jobcenter) أو وكالة العمل ويجيب عن أسئلتكم. يمكنكم أن تأتوا وتستمعوا فقط. يتم "
        "الاعتناء بأطفالكم خلال ذلك.",
        "uk": "За кавою та чаєм ми говоримо про роботу і сім'ю. Фахівець із Jobcenter або "
        "Агентства з питань праці відповідає на ваші запитання. Можна просто прийти й "
        "послухати. Тим часом за вашими дітьми доглядають.",
        "ru": "За кофе и чаем мы говорим о работе и семье. Специалист из Jobcenter или "
        "Агентства по труду отвечает на ваши вопросы. Можно просто прийти и послушать. В это "
        "время за детьми присматривают.",
        "pl": "Przy kawie i herbacie rozmawiamy o pracy i rodzinie. Osoba z Jobcenter lub "
        "Agencji Pracy odpowiada na pytania. Możesz po prostu przyjść i posłuchać. W tym "
        "czasie dzieci są pod opieką.",
    },
    INFO: {
        "de": "Sie bekommen Informationen zum Thema und können Ihre Fragen stellen. Sie lernen "
        "Ansprechpersonen kennen und nehmen Infomaterial mit. Ihre Kinder werden in der Zeit "
        "betreut.",
        "en": "You get information on the topic and can ask your questions. You meet contacts "
        "and take information material home. Your children are looked after meanwhile.",
        "tr": "Konu hakkında bilgi alır ve sorularınızı sorabilirsiniz. Yetkililerle tanışır ve "
        "bilgi materyali alırsınız. Bu sırada çocuklarınıza bakılır.",
        "ar": "تحصلون على معلومات حول الموضوع ويمكنكم طرح أسئلتكم. تتعرفون على أشخاص يمكنهم "
        "مساعدتكم وتأخذون مواد إعلامية. يتم الاعتناء بأطفالكم خلال ذلك.",
        "uk": "Ви отримаєте інформацію на тему й зможете поставити запитання. Познайомитеся з "
        "контактними особами й візьмете інформаційні матеріали. Тим часом за вашими дітьми "
        "доглядають.",
        "ru": "Вы получите информацию по теме и сможете задать вопросы. Познакомитесь с "
        "контактными лицами и возьмёте информационные материалы. В это время за детьми "
        "присматривают.",
        "pl": "Otrzymasz informacje na ten temat i możesz zadawać pytania. Poznasz osoby "
        "kontaktowe i weźmiesz materiały informacyjne. W tym czasie dzieci są pod opieką.",
    },
    COURSE: {
        "de": "Fünf Treffen in einer kleinen Gruppe: Sie denken über Ihre Wünsche und Stärken "
        "nach und planen Ihre nächsten Schritte in Arbeit oder Ausbildung. Sie melden sich für "
        "alle fünf Termine an. Ihre Kinder werden in der Zeit betreut.",
        "en": "Five meetings in a small group: you think about your wishes and strengths and "
        "plan your next steps into work or training. You book all five dates together. Your "
        "children are looked after meanwhile.",
        "tr": "Küçük bir grupta beş buluşma: İsteklerinizi ve güçlü yönlerinizi düşünür, işe "
        "veya meslek eğitimine doğru sonraki adımlarınızı planlarsınız. Beş buluşmanın hepsine "
        "birlikte kaydolursunuz. Bu sırada çocuklarınıza bakılır.",
        "ar": "خمسة لقاءات في مجموعة صغيرة: تفكرون في رغباتكم ونقاط قوتكم وتخططون لخطواتكم "
        "التالية نحو العمل أو التدريب المهني. تسجلون لجميع المواعيد الخمسة معاً. يتم الاعتناء "
        "بأطفالكم خلال ذلك.",
        "uk": "П'ять зустрічей у невеликій групі: ви обміркуєте свої бажання та сильні сторони "
        "й сплануєте наступні кроки до роботи чи навчання. Ви записуєтеся одразу на всі п'ять "
        "зустрічей. Тим часом за вашими дітьми доглядають.",
        "ru": "Пять встреч в небольшой группе: вы подумаете о своих желаниях и сильных сторонах "
        "и спланируете следующие шаги к работе или обучению. Вы записываетесь сразу на все "
        "пять встреч. В это время за детьми присматривают.",
        "pl": "Pięć spotkań w małej grupie: zastanowisz się nad swoimi życzeniami i mocnymi "
        "stronami i zaplanujesz kolejne kroki do pracy lub nauki zawodu. Zapisujesz się na "
        "wszystkie pięć spotkań razem. W tym czasie dzieci są pod opieką.",
    },
}
TARGET_GROUPS = {
    CAFE: [["all_parents"], ["single_parents", "hidden_reserve"], ["all_parents", "sgb_ii"]],
    INFO: [["sgb_ii", "sgb_iii"], ["all_parents"], ["young_mothers", "single_parents"]],
    COURSE: [["all_parents"], ["young_mothers", "hidden_reserve"], ["sgb_ii", "single_parents"]],
}
CANCELLATION_REASONS = [
    "Die Referentin ist erkrankt. Wir laden bald zu einem neuen Termin ein.",
    "Zu wenige Anmeldungen.",
    "Das Familienzentrum ist an diesem Tag geschlossen.",
]
EVENT_LANGUAGES = ["tr", "ar", "uk", "ru", "pl"]
