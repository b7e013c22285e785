from marketplace.careers import operations


def test_the_demo_has_four_published_careers_pages_one_linking_to_unlock(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "11"])
    assert result.exit_code == 0, result.output
    pages = operations.published_pages()
    assert len(pages) == 4
    assert any(link.url == "https://unlock.org.uk/" for page in pages for link in page.links)
    assert "Talking about a conviction at interview" in [page.title for page in pages]
