"""Builds claimdb's Python client: the stubs are generated from proto/ as the package is built.

They are made before setup() so that every step (egg_info included) finds claimdb/v1; the
build's own environment has grpcio-tools (pyproject.toml's build-system requires).
"""

import pathlib
import shutil
import sys

from setuptools import setup
from setuptools.command.sdist import sdist

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # for generate.py, beside this file

import generate  # noqa: E402


class SdistWithProtos(sdist):
    """Copies the repository's proto/ into the sdist, which cannot reach outside its folder."""

    def run(self):
        source = HERE.parent.parent / "proto"
        if source.is_dir():
            shutil.copytree(source, HERE / "proto", dirs_exist_ok=True)
        super().run()


generate.generate(generate.find_proto_dir(), HERE)
setup(cmdclass={"sdist": SdistWithProtos})
