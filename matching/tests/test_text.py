from matching.text import lemmas, text_similarity


def test_lemmas_lowercase_and_drop_stop_words():
    assert lemmas("Учебник по Python для начинающих") == ["книга", "питон", "начинающий"]


def test_inflected_forms_are_the_same_word():
    assert text_similarity("велосипеда", "велосипед") == 1.0
    assert text_similarity("Горного велосипеда", "горный велосипед") == 1.0


def test_synonyms_match():
    assert text_similarity("Учебник по Python", "Книга по Python") == 1.0
    assert text_similarity("электросамокат", "самокат") == 1.0
    assert text_similarity("велик", "велосипед") == 1.0
    assert text_similarity("ноутбук", "лэптоп") == 1.0


def test_latin_and_cyrillic_spellings_match():
    assert text_similarity("iphone 13", "Айфон 13") == 1.0
    assert text_similarity("laptop", "ноутбук") == 1.0
    assert lemmas("Python") == lemmas("питон")


def test_unrelated_texts_do_not_match():
    assert text_similarity("холодильник", "велосипед") == 0.0
    assert text_similarity("", "велосипед") == 0.0


def test_partial_overlap_is_between_zero_and_one():
    sim = text_similarity("Горный велосипед Stels", "велосипед")
    assert 0.5 < sim < 1.0
