"""The Django project of mostwanted, installed under the import name ``mostwanted``.

The folder is ``site/`` but ``site`` is a standard-library module, hence the import name.
"""
