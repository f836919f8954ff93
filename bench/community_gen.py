"""A synthetic but realistic bilingual (ru/uk, some en) bank-support community, for load and latency tests.

Topics are combined from our own templates and vocabulary: a title ("Не приходит СМС с кодом при оплате
картой"), a body of 1-4 sentences with details (amounts, dates, cities, devices, shop names), in Russian
(~50%), Ukrainian (~40%) or English (~10%). Inflected forms vary as in real text, and a long tail of
rare words (shop names, surnames, order numbers, occasional typos) makes the index lexicon grow the way
real data does. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

# ---------------------------------------------------------------- Russian
RU_OBJECTS = [
    ("карта", "карту", "карты", "картой"),
    ("кредитная карта", "кредитную карту", "кредитной карты", "кредитной картой"),
    ("дебетовая карта", "дебетовую карту", "дебетовой карты", "дебетовой картой"),
    ("приложение", "приложение", "приложения", "приложением"),
    ("перевод", "перевод", "перевода", "переводом"),
    ("кешбэк", "кешбэк", "кешбэка", "кешбэком"),
    ("вклад", "вклад", "вклада", "вкладом"),
    ("кредит", "кредит", "кредита", "кредитом"),
    ("банкомат", "банкомат", "банкомата", "банкоматом"),
    ("СМС с кодом", "СМС с кодом", "СМС с кодом", "СМС с кодом"),
    ("платёж", "платёж", "платежа", "платежом"),
    ("выписка", "выписку", "выписки", "выпиской"),
    ("лимит", "лимит", "лимита", "лимитом"),
    ("рассрочка", "рассрочку", "рассрочки", "рассрочкой"),
    ("пароль", "пароль", "пароля", "паролем"),
    ("счёт", "счёт", "счёта", "счётом"),
    ("комиссия", "комиссию", "комиссии", "комиссией"),
    ("Apple Pay", "Apple Pay", "Apple Pay", "Apple Pay"),
    ("Google Pay", "Google Pay", "Google Pay", "Google Pay"),
    ("депозит", "депозит", "депозита", "депозитом"),
    ("ипотека", "ипотеку", "ипотеки", "ипотекой"),
    ("валюта", "валюту", "валюты", "валютой"),
    ("страховка", "страховку", "страховки", "страховкой"),
]
RU_TITLES = [
    "Не приходит {nom}",
    "Не работает {nom}",
    "Как оформить {acc}?",
    "Как закрыть {acc}",
    "Заблокирована {nom}",
    "Списали деньги за {acc}",
    "Почему не начислен {nom}",
    "Ошибка при оплате {ins}",
    "Где посмотреть {acc}",
    "Не могу подключить {acc}",
    "Вопрос по поводу {gen}",
    "Долго не приходит {nom} на {acc2}",
    "Как изменить {acc} в приложении",
    "Двойное списание за {acc}",
    "Не проходит оплата {ins} в {shop}",
    "Как увеличить {acc}",
    "Проблема с {ins} после обновления",
    "Пропал {nom} из приложения",
    "Банкомат не выдал деньги, но списал",
    "Не могу войти в приложение",
    "Как перевыпустить {acc}",
    "Когда придёт {nom}",
    "Не вижу {acc} в личном кабинете",
    "Почему такая большая {nom}",
]
RU_SENTENCES = [
    "Вчера пытался оплатить {ins} в магазине {shop}, но платёж отклонён.",
    "Деньги списались {date}, а {nom} так и не пришёл.",
    "В приложении пишет «ошибка {code}».",
    "Звонил на горячую линию, сказали ждать {days} дней.",
    "Сумма {amount} грн, это уже второй раз.",
    "У меня {device}, приложение обновлено до последней версии.",
    "Подскажите, пожалуйста, что делать?",
    "Нахожусь в городе {city}, отделение рядом закрыто.",
    "Раньше всё работало нормально.",
    "Оператор в чате не отвечает уже {hours} часа.",
    "Номер заказа {order}.",
    "Хочу понять, почему так произошло и когда вернут деньги.",
    "Подключал {acc} через приложение.",
    "При попытке входа приходит уведомление о подозрительной операции.",
    "Спасибо заранее за помощь!",
    "Карта выпущена {date}, срок действия не истёк.",
    "Пробовал перезагрузить телефон, не помогло.",
    "Оплата {ins} за границей тоже не проходит.",
    "Лимит на снятие наличных {amount} грн в сутки?",
]

# ---------------------------------------------------------------- Ukrainian
UK_OBJECTS = [
    ("картка", "картку", "картки", "карткою"),
    ("кредитна картка", "кредитну картку", "кредитної картки", "кредитною карткою"),
    ("застосунок", "застосунок", "застосунку", "застосунком"),
    ("переказ", "переказ", "переказу", "переказом"),
    ("кешбек", "кешбек", "кешбеку", "кешбеком"),
    ("депозит", "депозит", "депозиту", "депозитом"),
    ("кредит", "кредит", "кредиту", "кредитом"),
    ("банкомат", "банкомат", "банкомата", "банкоматом"),
    ("СМС з кодом", "СМС з кодом", "СМС з кодом", "СМС з кодом"),
    ("платіж", "платіж", "платежу", "платежем"),
    ("виписка", "виписку", "виписки", "випискою"),
    ("ліміт", "ліміт", "ліміту", "лімітом"),
    ("розстрочка", "розстрочку", "розстрочки", "розстрочкою"),
    ("пароль", "пароль", "пароля", "паролем"),
    ("рахунок", "рахунок", "рахунку", "рахунком"),
    ("комісія", "комісію", "комісії", "комісією"),
    ("відділення", "відділення", "відділення", "відділенням"),
    ("іпотека", "іпотеку", "іпотеки", "іпотекою"),
    ("валюта", "валюту", "валюти", "валютою"),
    ("страховка", "страховку", "страховки", "страховкою"),
]
UK_TITLES = [
    "Не приходить {nom}",
    "Не працює {nom}",
    "Як оформити {acc}?",
    "Як закрити {acc}",
    "Заблокована {nom}",
    "Списали гроші за {acc}",
    "Чому не нараховано {acc}",
    "Помилка під час оплати {ins}",
    "Де подивитися {acc}",
    "Не можу підключити {acc}",
    "Питання щодо {gen}",
    "Довго не надходить {nom} на {acc2}",
    "Як змінити {acc} у застосунку",
    "Подвійне списання за {acc}",
    "Не проходить оплата {ins} в {shop}",
    "Як збільшити {acc}",
    "Проблема з {ins} після оновлення",
    "Зник {nom} із застосунку",
    "Банкомат не видав гроші, але списав",
    "Не можу увійти в застосунок",
    "Як перевипустити {acc}",
    "Коли надійде {nom}",
    "Не бачу {acc} в особистому кабінеті",
    "Чому така велика {nom}",
]
UK_SENTENCES = [
    "Вчора намагався оплатити {ins} у магазині {shop}, але платіж відхилено.",
    "Гроші списалися {date}, а {nom} так і не надійшов.",
    "У застосунку пише «помилка {code}».",
    "Телефонував на гарячу лінію, сказали чекати {days} днів.",
    "Сума {amount} грн, це вже вдруге.",
    "У мене {device}, застосунок оновлений до останньої версії.",
    "Підкажіть, будь ласка, що робити?",
    "Перебуваю в місті {city}, відділення поруч зачинене.",
    "Раніше все працювало нормально.",
    "Оператор у чаті не відповідає вже {hours} години.",
    "Номер замовлення {order}.",
    "Хочу зрозуміти, чому так сталося і коли повернуть гроші.",
    "Підключав {acc} через застосунок.",
    "Під час входу приходить сповіщення про підозрілу операцію.",
    "Дякую заздалегідь за допомогу!",
    "Картку випущено {date}, термін дії не закінчився.",
    "Пробував перезавантажити телефон, не допомогло.",
    "Оплата {ins} за кордоном теж не проходить.",
    "Ліміт на зняття готівки {amount} грн на добу?",
]

# ---------------------------------------------------------------- English
EN_OBJECTS = [
    ("card", "card", "card", "card"),
    ("credit card", "credit card", "credit card", "credit card"),
    ("app", "app", "app", "the app"),
    ("transfer", "transfer", "transfer", "a transfer"),
    ("cashback", "cashback", "cashback", "cashback"),
    ("deposit", "deposit", "deposit", "a deposit"),
    ("loan", "loan", "loan", "the loan"),
    ("ATM", "ATM", "ATM", "the ATM"),
    ("payment", "payment", "payment", "a payment"),
    ("statement", "statement", "statement", "the statement"),
    ("limit", "limit", "limit", "the limit"),
    ("password", "password", "password", "the password"),
    ("fee", "fee", "fee", "the fee"),
]
EN_TITLES = [
    "My {nom} is not working",
    "How do I get a {acc}?",
    "{nom} declined at {shop}",
    "Charged twice for {acc}",
    "Where can I see my {acc}",
    "Cannot activate {acc}",
    "Question about my {gen}",
    "How to increase my {acc}",
    "Problem with {ins} after the update",
    "ATM did not give cash but charged me",
    "Cannot log in to the app",
    "When will my {nom} arrive",
    "Why is the {nom} so high",
]
EN_SENTENCES = [
    "Yesterday I tried to pay with {ins} at {shop}, but it was declined.",
    "The money left my account on {date}.",
    "The app says 'error {code}'.",
    "Support told me to wait {days} days.",
    "The amount is {amount} UAH.",
    "I use {device} with the latest version of the app.",
    "What should I do?",
    "I am in {city} at the moment.",
    "It worked fine before.",
    "Nobody answers in the chat for {hours} hours.",
    "Order number {order}.",
    "Thanks in advance!",
]

SHOPS = [
    "Сільпо",
    "АТБ",
    "Rozetka",
    "Epicentr",
    "Фора",
    "Novus",
    "Comfy",
    "Foxtrot",
    "Prom",
    "OLX",
    "Glovo",
    "Bolt",
    "Uber",
    "Steam",
    "Netflix",
    "Spotify",
    "AliExpress",
    "Amazon",
    "WOG",
    "OKKO",
    "Eva",
    "Brocard",
]
CITIES = [
    "Київ",
    "Львів",
    "Одеса",
    "Харків",
    "Дніпро",
    "Вінниця",
    "Полтава",
    "Чернігів",
    "Житомир",
    "Ужгород",
    "Київі",
    "Львові",
    "Одесі",
    "Харкові",
    "Дніпрі",
    "Kyiv",
    "Lviv",
]
DEVICES = [
    "iPhone 12",
    "iPhone 15 Pro",
    "Samsung Galaxy A52",
    "Xiaomi Redmi Note 11",
    "Pixel 7",
    "Huawei P30",
    "Android 13",
    "iOS 17",
    "Motorola G54",
    "OnePlus 9",
]
SYLLABLES = [
    "ко",
    "ра",
    "ли",
    "но",
    "ва",
    "те",
    "ми",
    "ро",
    "ка",
    "зу",
    "ле",
    "да",
    "ні",
    "ри",
    "so",
    "ta",
    "mi",
    "ven",
    "dor",
    "lux",
    "bel",
    "ти",
    "ша",
    "ох",
    "ен",
]


def _shop(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return rng.choice(SHOPS)
    # a long tail of small shops: made-up names, so the lexicon grows like real data
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.choice([2023, 2024, 2025])}"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.4:
        return word[:i] + word[i + 1 :]
    if op < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def _fill(rng: random.Random, template: str, objects) -> str:
    obj = rng.choice(objects)
    other = rng.choice(objects)
    values = {
        "nom": obj[0],
        "acc": obj[1],
        "gen": obj[2],
        "ins": obj[3],
        "acc2": other[1],
        "shop": _shop(rng),
        "date": _date(rng),
        "code": rng.randint(100, 999),
        "days": rng.choice([3, 5, 7, 10, 14, 30]),
        "hours": rng.randint(2, 6),
        "amount": rng.choice([150, 299, 500, 1200, 2500, 9999, 15000, rng.randint(10, 50000)]),
        "device": rng.choice(DEVICES),
        "city": rng.choice(CITIES),
        "order": rng.randint(100000, 9999999),
    }
    text = template.format(**values)
    return text[0].upper() + text[1:]


LANGS = (
    ("ru", 0.5, RU_OBJECTS, RU_TITLES, RU_SENTENCES),
    ("uk", 0.4, UK_OBJECTS, UK_TITLES, UK_SENTENCES),
    ("en", 0.1, EN_OBJECTS, EN_TITLES, EN_SENTENCES),
)


def topic(rng: random.Random) -> tuple[str, str, str]:
    """(lang, title, body) of one synthetic topic."""
    r = rng.random()
    for lang, share, objects, titles, sentences in LANGS:  # noqa: B007 (the row chosen is used after the loop)
        if r < share:
            break
        r -= share
    title = _fill(rng, rng.choice(titles), objects)
    if rng.random() < 0.15:
        title += " " + rng.choice(["!!!", "срочно", "терміново", "help", "(", "?"]).strip()
    words = [_fill(rng, rng.choice(sentences), objects) for _ in range(rng.randint(1, 4))]
    body = " ".join(words)
    if rng.random() < 0.2:  # an occasional typo, as real users make
        parts = body.split(" ")
        k = rng.randrange(len(parts))
        parts[k] = _typo(rng, parts[k])
        body = " ".join(parts)
    return lang, title, body


def generate(n: int, seed: int = 1551) -> Iterator[tuple[str, str, str]]:
    rng = random.Random(seed)
    for _ in range(n):
        yield topic(rng)


def typed_prefixes(title: str) -> list[str]:
    """What the suggest box sees while a title is typed: word-boundary and mid-word prefixes."""
    out = []
    words = title.split()
    for k in range(1, len(words) + 1):
        text = " ".join(words[:k])
        if len(text) >= 5:
            out.append(text)
        last = words[k - 1]
        if k < len(words) and len(last) >= 6:
            cut = " ".join(words[: k - 1] + [last[: len(last) * 2 // 3]])
            if len(cut) >= 5:
                out.append(cut)
    return out
