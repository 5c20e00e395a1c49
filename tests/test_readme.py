from pathlib import Path

from inventory.roles import matrix_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_role_matrix_is_the_one_the_code_enforces():
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- roles:start -->")[1].split("<!-- roles:end -->")[0].strip()
    assert block == matrix_markdown()


def test_readme_opens_with_the_two_commands():
    head = README.read_text(encoding="utf-8")[:1200]
    assert "make run" in head and "make test" in head
