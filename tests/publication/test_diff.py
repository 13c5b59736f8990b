"""The differences engine on constructed versions: each kind of change named as such."""

from consultation.publication.diff import compare_bodies
from consultation.publication.diff_text import Fragment, compare, tokens

BASE = """Présentation du chapitre.

## 1. Les référentiels

Chaque service s'appuie sur des référentiels partagés.

## 2. La sécurité

Les échanges sont chiffrés.

## 3. Les usages

Les usages sont décrits ici.
"""


def by_anchor(diff):
    return {item.section.anchor: item for item in diff.sections}


def test_nothing_changed_gives_unchanged_sections_only():
    diff = compare_bodies(BASE, BASE)

    assert [item.unchanged for item in diff.sections] == [True, True, True]
    assert diff.summary.unchanged == 3
    assert diff.summary.changed == diff.summary.added == diff.summary.removed == 0
    assert not diff.introduction_changed


def test_words_changed_inside_a_section_are_the_only_fragments_marked():
    final = BASE.replace("sont chiffrés.", "sont chiffrés et authentifiés.")

    section = by_anchor(compare_bodies(BASE, final))["2"]

    assert section.changed and not section.moved and not section.renamed
    assert section.fragments == [
        Fragment("equal", "Les échanges sont chiffrés"),
        Fragment("insert", " et authentifiés"),
        Fragment("equal", "."),
    ]


def test_a_section_added_and_one_removed_are_named_and_placed_where_they_were():
    final = BASE.replace("## 2. La sécurité\n\nLes échanges sont chiffrés.\n\n", "")
    final += "\n## 4. Le calendrier\n\nTout commence en 2027.\n"

    diff = compare_bodies(BASE, final)

    assert [item.section.anchor for item in diff.sections] == ["1", "2", "3", "4"]
    assert by_anchor(diff)["2"].removed and by_anchor(diff)["4"].added
    assert by_anchor(diff)["4"].fragments == [Fragment("insert", "Tout commence en 2027.")]
    assert (diff.summary.added, diff.summary.removed, diff.summary.moved) == (1, 1, 0)


def test_a_section_put_elsewhere_is_moved_and_only_that_one():
    third = "## 3. Les usages\n\nLes usages sont décrits ici.\n"
    final = BASE.replace(third, "").replace("## 1.", third + "\n## 1.")

    diff = compare_bodies(BASE, final)

    assert [item.section.anchor for item in diff.sections] == ["3", "1", "2"]
    assert [item.moved for item in diff.sections] == [True, False, False]
    assert diff.summary.moved == 1 and diff.summary.changed == 0


def test_a_heading_reworded_under_the_same_number_is_renamed():
    final = BASE.replace("## 2. La sécurité", "## 2. La sécurité des échanges")

    section = by_anchor(compare_bodies(BASE, final))["2"]

    assert section.renamed and not section.changed
    assert section.old.section.title == "2. La sécurité"
    assert section.new.section.title == "2. La sécurité des échanges"


def test_the_same_text_under_a_new_anchor_is_renamed_not_removed_and_added():
    final = BASE.replace("## 3. Les usages", "## Usages")

    diff = compare_bodies(BASE, final)

    assert [item.section.anchor for item in diff.sections] == ["1", "2", "usages"]
    assert diff.sections[2].renamed and diff.sections[2].old.section.anchor == "3"
    assert diff.summary.added == diff.summary.removed == 0


def test_tokens_keep_punctuation_and_spaces_so_texts_rebuild_exactly():
    text = "L'État, enfin :  « oui » !\n"

    assert "".join(tokens(text)) == text
    assert tokens(text)[:5] == ["L", "'", "État", ",", " enfin"]


def test_compared_fragments_rebuild_both_texts():
    old, new = "Un deux trois.\nQuatre cinq.\n", "Un deux, trois !\nSix.\nQuatre cinq.\n"

    fragments = compare(old, new)

    assert "".join(f.text for f in fragments if f.kind != "insert") == old
    assert "".join(f.text for f in fragments if f.kind != "delete") == new
