"""The end-to-end tests, in folders by feature; README's "Tests" section maps
them (documents/test_readme_map.py keeps that map true)."""
