"""Reading a blog post: cast the catalog's way, a synopsis without the blog's asides."""

from __future__ import annotations

from recommender.blogpost import catalog_name, clean_text, read_facts

POST = """The Weekend Binge: "Moonlight Bakery"

The tvN eight-episode romantic series Moonlight Bakery (2023) stars Kim Ji-won and Lee Do-hyun.

The Plot

Baker Yoon Ha-ri (Kim Ji-won, My Liberation Notes) and florist Jang Min (Lee Do-hyun, The Glory) have shared
a wall for ten—no, eleven to be exact—years. When her oven breaks, she moves her bakery into his shop for a month.
Neighbours whisper. Flour and petals get everywhere.
"""


def test_cast_names_come_out_the_catalogs_way():
    assert catalog_name("Han So-hee") == "Han So Hee"
    assert catalog_name("PARK hyung-sik") == "Park Hyung Sik"
    post = clean_text(POST)
    facts = read_facts(post.text, post.headline)
    assert facts.cast == ("Kim Ji Won", "Lee Do Hyun")


def test_the_synopsis_is_about_the_show_not_the_blog():
    post = clean_text(POST)
    synopsis = read_facts(post.text, post.headline).synopsis
    assert "My Liberation Notes" not in synopsis and "The Glory" not in synopsis  # filmography asides
    assert "to be exact" not in synopsis  # the writer's aside
    assert synopsis.startswith("Baker Yoon Ha-ri and florist Jang Min have shared")
    assert synopsis.count(".") <= 3
