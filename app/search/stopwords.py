"""Stop words for the analyser (our own short lists; see analysis.py).

Kept deliberately modest: only function words that carry no meaning in a support request. Negation
("не", "нет", "ні", "not", "no") and question words that change the request ("когда", "где", "коли",
"де", "why") stay searchable. Entries are compared both to the lowercased word (ё→е) and to its lemma.
"""

RU = frozenset("""
а без более бы был была были было быть в вам вас весь во вот все всё всего всех вы да для до его ее её
если есть еще ещё же за и из или им их к как ко который кто ли либо меня мне мной мы на над нам нас
нибудь о об около он она они оно от ото по под при про с свой себя со так также такой то тогда тоже тот
ты у уже чем что чтобы чтоб эта эти это этот я ж ну вообще просто очень через мой моя мое мои твой наш ваш
""".split())

UK = frozenset("""
а аби або адже але б би був була були було бути в вам вас ви від вона вони воно все всі вся втім де до
же з за зі і й із її їй їм їх його йому ким кого коли котрий крім ку лише мене мені ми мій моя моє мої на
нам нас наш не ні о об от по під при про та так також те тебе ти то тобто тому тут у хоча це цей ці цього
цю ця чи що щоб як який яка яке які я ж ну дуже просто через вже ще теж
""".split()) - {"не", "ні", "де", "коли"}

EN = frozenset("""
a an the and or but if of to in on at by for with from as is are was were be been being am do does did
i me my mine we our you your he him his she her it its they them their this that these those there here
so than too very just also can could would should will shall may might must have has had having
what which who whom whose how please hi hello thanks thank
""".split())

ALL = RU | UK | EN

# Searchable (they change a request's meaning) but too common to mark in a snippet: "не" in every sentence
# would be highlighted otherwise.
NOT_HIGHLIGHTED = frozenset({"не", "нет", "ни", "ні", "not", "no", "где", "когда", "де", "коли"})
