"""The programme's format catalogue and the first consent texts, in the seven languages of the
parent pages. Loaded by migration 0002; the state level edits the catalogue afterwards."""

FORMATS = [
    {
        "code": "parent_cafe",
        "min_minutes": 75,
        "max_minutes": 120,
        "default_minutes": 90,
        "default_capacity": 15,
        "max_capacity": 25,
        "childcare_expected": True,
        "topics": ["labour_market", "return_to_work", "childcare"],
        "target_groups": ["all_parents"],
        "name": {
            "de": "Elterncafé",
            "en": "Parents' café",
            "tr": "Ebeveyn kafesi",
            "ar": "مقهى الآباء والأمهات",
            "uk": "Батьківське кафе",
            "ru": "Родительское кафе",
            "pl": "Kawiarenka dla rodziców",
        },
        "description": {
            "de": "Sie trinken Kaffee und sprechen mit anderen Eltern. Eine Beraterin oder ein "
            "Berater vom Jobcenter oder von der Agentur für Arbeit erzählt kurz etwas zum "
            "Thema Arbeit. Sie können Fragen stellen und einen Termin für ein persönliches "
            "Gespräch ausmachen. Ihre Kinder werden in der Zeit betreut. Dauer: etwa 90 Minuten.",
            "en": "Have a coffee and talk with other parents. An adviser from the job centre or "
            "the employment agency says a few words about work. You can ask questions and make "
            "an appointment for a personal talk. Your children are looked after meanwhile. "
            "About 90 minutes.",
            "tr": "Kahve içip diğer ebeveynlerle sohbet edersiniz. Jobcenter'dan veya İş "
            "Ajansı'ndan bir danışman iş konusunda kısa bilgi verir. Soru sorabilir ve kişisel "
            "görüşme için randevu alabilirsiniz. Bu sırada çocuklarınıza bakılır. Yaklaşık 90 "
            "dakika.",
            "ar": "تشربون القهوة وتتحدثون مع آباء وأمهات آخرين. يقدّم مستشار أو مستشارة من مركز "
            "العمل (Jobcenter) أو وكالة العمل معلومات قصيرة عن العمل. يمكنكم طرح الأسئلة وحجز "
            "موعد لمحادثة شخصية. يتم الاعتناء بأطفالكم خلال ذلك. المدة: حوالي 90 دقيقة.",
            "uk": "Ви п'єте каву й розмовляєте з іншими батьками. Консультант із Jobcenter або "
            "Агентства з питань праці коротко розповідає про роботу. Ви можете поставити "
            "запитання й домовитися про особисту консультацію. Тим часом за вашими дітьми "
            "доглядають. Близько 90 хвилин.",
            "ru": "Вы пьёте кофе и общаетесь с другими родителями. Консультант из Jobcenter или "
            "Агентства по труду коротко рассказывает о работе. Вы можете задать вопросы и "
            "договориться о личной консультации. В это время за детьми присматривают. Около "
            "90 минут.",
            "pl": "Pijesz kawę i rozmawiasz z innymi rodzicami. Doradca z Jobcenter lub Agencji "
            "Pracy krótko opowiada o pracy. Możesz zadawać pytania i umówić się na rozmowę "
            "indywidualną. W tym czasie dzieci są pod opieką. Około 90 minut.",
        },
        "modules": [],
    },
    {
        "code": "info_session",
        "min_minutes": 60,
        "max_minutes": 90,
        "default_minutes": 90,
        "default_capacity": 15,
        "max_capacity": 30,
        "childcare_expected": True,
        "topics": ["labour_market", "career_orientation", "return_to_work"],
        "target_groups": ["sgb_ii", "sgb_iii"],
        "name": {
            "de": "Themenveranstaltung",
            "en": "Information session",
            "tr": "Bilgilendirme toplantısı",
            "ar": "لقاء إعلامي",
            "uk": "Інформаційна зустріч",
            "ru": "Информационная встреча",
            "pl": "Spotkanie informacyjne",
        },
        "description": {
            "de": "Sie bekommen erste Informationen zu Arbeit, Beruf und Wiedereinstieg. Sie "
            "lernen Ansprechpersonen vom Jobcenter und von der Agentur für Arbeit kennen und "
            "bekommen Infomaterial mit. Ihre Kinder werden in der Zeit betreut. Dauer: 60 bis "
            "90 Minuten.",
            "en": "You get first information on work, careers and returning to work. You meet "
            "contacts from the job centre and the employment agency and take information "
            "material home. Your children are looked after meanwhile. 60 to 90 minutes.",
            "tr": "İş, meslek ve işe geri dönüş hakkında ilk bilgileri alırsınız. Jobcenter ve İş "
            "Ajansı'ndan yetkililerle tanışır, bilgi materyali alırsınız. Bu sırada "
            "çocuklarınıza bakılır. 60 ila 90 dakika.",
            "ar": "تحصلون على معلومات أولى عن العمل والمهنة والعودة إلى العمل. تتعرفون على "
            "أشخاص من مركز العمل ووكالة العمل وتحصلون على مواد إعلامية. يتم الاعتناء بأطفالكم "
            "خلال ذلك. المدة: 60 إلى 90 دقيقة.",
            "uk": "Ви отримаєте першу інформацію про роботу, професію та повернення до роботи. "
            "Познайомитеся з контактними особами з Jobcenter та Агентства з питань праці й "
            "отримаєте інформаційні матеріали. Тим часом за вашими дітьми доглядають. 60–90 "
            "хвилин.",
            "ru": "Вы получите первую информацию о работе, профессии и возвращении на работу. "
            "Познакомитесь с сотрудниками Jobcenter и Агентства по труду и получите "
            "информационные материалы. В это время за детьми присматривают. 60–90 минут.",
            "pl": "Otrzymasz pierwsze informacje o pracy, zawodzie i powrocie do pracy. Poznasz "
            "osoby kontaktowe z Jobcenter i Agencji Pracy i dostaniesz materiały informacyjne. "
            "W tym czasie dzieci są pod opieką. 60 do 90 minut.",
        },
        "modules": [],
    },
    {
        "code": "parent_course",
        "min_minutes": 90,
        "max_minutes": 120,
        "default_minutes": 120,
        "default_capacity": 10,
        "max_capacity": 12,
        "childcare_expected": True,
        "topics": ["return_to_work", "career_orientation", "childcare"],
        "target_groups": ["all_parents"],
        "name": {
            "de": "Elternkurs „Neue Wege“",
            "en": "Parents' course “Neue Wege”",
            "tr": "“Neue Wege” ebeveyn kursu",
            "ar": "دورة الآباء والأمهات „Neue Wege“",
            "uk": "Курс для батьків «Neue Wege»",
            "ru": "Курс для родителей «Neue Wege»",
            "pl": "Kurs dla rodziców „Neue Wege”",
        },
        "description": {
            "de": "Ein Kurs in kleiner Gruppe (höchstens 12 Personen) an 5 Terminen von je 1,5 "
            "bis 2 Stunden. Sie denken über Ihre Wünsche und Stärken nach, planen Ihren Weg in "
            "Arbeit oder Ausbildung und lernen Ansprechpersonen kennen. Sie melden sich für "
            "alle 5 Termine an. Ihre Kinder werden in der Zeit betreut.",
            "en": "A course in a small group (at most 12 people) on 5 dates of 1.5 to 2 hours "
            "each. You think about your wishes and strengths, plan your way into work or "
            "training and meet contacts. You book all 5 dates together. Your children are "
            "looked after meanwhile.",
            "tr": "Küçük bir grupta (en fazla 12 kişi), her biri 1,5 ila 2 saat süren 5 "
            "buluşmadan oluşan bir kurs. İsteklerinizi ve güçlü yönlerinizi düşünür, işe veya "
            "mesleki eğitime giden yolunuzu planlar ve yetkililerle tanışırsınız. 5 buluşmanın "
            "hepsine birlikte kaydolursunuz. Bu sırada çocuklarınıza bakılır.",
            "ar": "دورة في مجموعة صغيرة (12 شخصاً كحد أقصى) في 5 مواعيد، مدة كل منها ساعة ونصف "
            "إلى ساعتين. تفكرون في رغباتكم ونقاط قوتكم، وتخططون لطريقكم إلى العمل أو التدريب "
            "المهني، وتتعرفون على أشخاص يمكنهم مساعدتكم. تسجلون لجميع المواعيد الخمسة معاً. "
            "يتم الاعتناء بأطفالكم خلال ذلك.",
            "uk": "Курс у невеликій групі (не більше 12 осіб) із 5 зустрічей по 1,5–2 години. "
            "Ви обміркуєте свої бажання та сильні сторони, сплануєте шлях до роботи чи "
            "навчання й познайомитеся з контактними особами. Ви записуєтеся одразу на всі 5 "
            "зустрічей. Тим часом за вашими дітьми доглядають.",
            "ru": "Курс в небольшой группе (не более 12 человек) из 5 встреч по 1,5–2 часа. Вы "
            "подумаете о своих желаниях и сильных сторонах, спланируете путь к работе или "
            "обучению и познакомитесь с контактными лицами. Вы записываетесь сразу на все 5 "
            "встреч. В это время за детьми присматривают.",
            "pl": "Kurs w małej grupie (najwyżej 12 osób), 5 spotkań po 1,5 do 2 godzin. "
            "Zastanowisz się nad swoimi życzeniami i mocnymi stronami, zaplanujesz drogę do "
            "pracy lub nauki zawodu i poznasz osoby kontaktowe. Zapisujesz się na wszystkie 5 "
            "spotkań razem. W tym czasie dzieci są pod opieką.",
        },
        "modules": [
            {
                "motto": "„Ich habe Vorfahrt“",
                "description": {
                    "de": "Ich und meine Wünsche: Was ist mir wichtig, was kann ich gut?",
                    "en": "Me and my wishes: what matters to me, what am I good at?",
                },
            },
            {
                "motto": "„TÜV“",
                "description": {
                    "de": "Bestandsaufnahme: meine Erfahrungen, meine Familie, meine Zeit.",
                    "en": "Taking stock: my experience, my family, my time.",
                },
            },
            {
                "motto": "„Routenplanung“",
                "description": {
                    "de": "Wege in Arbeit und Ausbildung, auch in Teilzeit, und die "
                    "Kinderbetreuung dazu.",
                    "en": "Ways into work and training, part-time too, and the childcare to go "
                    "with them.",
                },
            },
            {
                "motto": "„Etappenziel“",
                "description": {
                    "de": "Meine nächsten Schritte und wer mir dabei hilft.",
                    "en": "My next steps and who helps me with them.",
                },
            },
            {
                "motto": "„Nachtanken“",
                "description": {
                    "de": "Treffen einige Wochen später: Was hat sich getan, wie geht es weiter?",
                    "en": "Meeting some weeks later: what has happened, what comes next?",
                },
            },
        ],
    },
]

CONSENT_TEXTS = {
    "booking": {
        "de": "Ich bin einverstanden, dass meine Angaben (Vorname, Telefonnummer oder "
        "E-Mail-Adresse, Alter der Kinder für die Betreuung, Sprachwünsche) gespeichert "
        "werden, damit das Familienzentrum meine Anmeldung verwalten und mich über diese "
        "Veranstaltung informieren kann. Meinen Vornamen sehen auch die Referentinnen und "
        "Referenten der Veranstaltung; meine Telefonnummer oder E-Mail-Adresse sehen nur das "
        "Familienzentrum und die regionale Koordinierung. Nichts davon geht an das Jobcenter "
        "oder die Agentur für Arbeit. Die Angaben werden 6 Monate nach der Veranstaltung "
        "gelöscht. Ich kann meine Anmeldung jederzeit mit dem Link in der Bestätigung absagen.",
        "en": "I agree that my details (first name, phone number or e-mail address, ages of "
        "the children needing care, language needs) are stored so that the family centre can "
        "manage my booking and inform me about this event. The speakers of the event also see "
        "my first name; only the family centre and the regional coordination see my phone "
        "number or e-mail address. None of it goes to the job centre or the employment "
        "agency. The details are deleted 6 months after the event. I can cancel my booking at "
        "any time with the link in the confirmation.",
        "tr": "Aile merkezinin kaydımı yönetebilmesi ve beni bu etkinlik hakkında "
        "bilgilendirebilmesi için bilgilerimin (adım, telefon numaram veya e-posta adresim, "
        "bakım gereken çocukların yaşları, dil istekleri) kaydedilmesini kabul ediyorum. "
        "Etkinliğin konuşmacıları da adımı görür; telefon numaramı veya e-posta adresimi "
        "yalnızca aile merkezi ve bölgesel koordinasyon görür. Bunların hiçbiri Jobcenter'a "
        "veya İş Ajansı'na verilmez. Bilgiler etkinlikten 6 ay sonra silinir. Kaydımı "
        "onaydaki bağlantıyla istediğim zaman iptal edebilirim.",
        "ar": "أوافق على حفظ بياناتي (الاسم الأول، رقم الهاتف أو البريد الإلكتروني، أعمار "
        "الأطفال الذين يحتاجون إلى رعاية، الاحتياجات اللغوية) حتى يتمكن مركز الأسرة من إدارة "
        "تسجيلي وإبلاغي بهذه الفعالية. يرى المتحدثون في الفعالية اسمي الأول أيضاً؛ أما رقم "
        "هاتفي أو بريدي الإلكتروني فلا يراه إلا مركز الأسرة والتنسيق الإقليمي. لا يُعطى شيء من "
        "ذلك لمركز العمل (Jobcenter) أو وكالة العمل. تُحذف البيانات بعد 6 أشهر من الفعالية. "
        "يمكنني إلغاء تسجيلي في أي وقت عبر الرابط الموجود في التأكيد.",
        "uk": "Я погоджуюся, щоб мої дані (ім'я, номер телефону або адреса електронної пошти, "
        "вік дітей, яким потрібен догляд, мовні потреби) зберігалися, щоб сімейний центр міг "
        "керувати моєю реєстрацією та інформувати мене про цей захід. Моє ім'я бачать також "
        "доповідачі заходу; мій номер телефону або електронну пошту бачать лише сімейний "
        "центр і регіональна координація. Ніщо з цього не передається до Jobcenter чи "
        "Агентства з питань праці. Дані видаляються через 6 місяців після заходу. Я можу "
        "будь-коли скасувати реєстрацію за посиланням у підтвердженні.",
        "ru": "Я согласен(-на), чтобы мои данные (имя, номер телефона или адрес электронной "
        "почты, возраст детей, которым нужен присмотр, языковые пожелания) сохранялись, чтобы "
        "семейный центр мог вести мою запись и сообщать мне об этом мероприятии. Моё имя видят "
        "также ведущие мероприятия; мой номер телефона или электронную почту видят только "
        "семейный центр и региональная координация. Ничего из этого не передаётся в Jobcenter "
        "или Агентство по труду. Данные удаляются через 6 месяцев после мероприятия. Я могу "
        "в любое время отменить запись по ссылке в подтверждении.",
        "pl": "Zgadzam się na zapisanie moich danych (imię, numer telefonu lub adres e-mail, "
        "wiek dzieci potrzebujących opieki, potrzeby językowe), aby centrum rodzinne mogło "
        "obsłużyć moje zgłoszenie i informować mnie o tym wydarzeniu. Moje imię widzą także "
        "prowadzący wydarzenie; mój numer telefonu lub adres e-mail widzi tylko centrum "
        "rodzinne i koordynacja regionalna. Nic z tego nie trafia do Jobcenter ani Agencji "
        "Pracy. Dane zostaną usunięte 6 miesięcy po wydarzeniu. Mogę w każdej chwili odwołać "
        "zgłoszenie za pomocą linku w potwierdzeniu.",
    },
    "survey": {
        "de": "Ich bin einverstanden, dass ich nach der Veranstaltung einmal zu einer kurzen, "
        "freiwilligen Befragung eingeladen werde. Meine Antworten werden ohne meinen Namen "
        "ausgewertet.",
        "en": "I agree to be invited once, after the event, to a short voluntary survey. My "
        "answers are evaluated without my name.",
        "tr": "Etkinlikten sonra bir kez kısa ve gönüllü bir ankete davet edilmeyi kabul "
        "ediyorum. Cevaplarım adım olmadan değerlendirilir.",
        "ar": "أوافق على أن تتم دعوتي مرة واحدة بعد الفعالية إلى استبيان قصير وطوعي. تُقيَّم "
        "إجاباتي دون ذكر اسمي.",
        "uk": "Я погоджуюся, щоб після заходу мене один раз запросили до короткого "
        "добровільного опитування. Мої відповіді оцінюються без мого імені.",
        "ru": "Я согласен(-на), чтобы после мероприятия меня один раз пригласили на короткий "
        "добровольный опрос. Мои ответы оцениваются без моего имени.",
        "pl": "Zgadzam się, aby po wydarzeniu jeden raz zaproszono mnie do krótkiej, "
        "dobrowolnej ankiety. Moje odpowiedzi są oceniane bez mojego imienia.",
    },
}


def load_catalogue(apps, schema_editor):
    from django.utils import timezone

    format_model = apps.get_model("events", "Format")
    module_model = apps.get_model("events", "FormatModule")
    consent_model = apps.get_model("events", "ConsentText")
    for entry in FORMATS:
        fields = {key: value for key, value in entry.items() if key not in TRANSLATED}
        for name in ("name", "description"):
            fields[name] = entry[name]["de"]
            fields.update({f"{name}_{code}": text for code, text in entry[name].items()})
        event_format, _created = format_model.objects.update_or_create(
            code=entry["code"], defaults=fields
        )
        for number, module in enumerate(entry["modules"], start=1):
            descriptions = {f"description_{code}": t for code, t in module["description"].items()}
            module_model.objects.update_or_create(
                format=event_format,
                number=number,
                defaults={
                    "motto": module["motto"],
                    "motto_de": module["motto"],
                    "description": module["description"]["de"],
                    **descriptions,
                },
            )
    for purpose, texts in CONSENT_TEXTS.items():
        consent_model.objects.get_or_create(
            purpose=purpose,
            version=1,
            defaults={
                "text": texts["de"],
                "valid_from": timezone.now(),
                **{f"text_{code}": text for code, text in texts.items()},
            },
        )


TRANSLATED = {"name", "description", "modules"}
