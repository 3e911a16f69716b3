"""The installed botocore's models as a data path for the aws CLI, which bundles older ones."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import botocore


def installed_models(folder: Path) -> Path:
    """The installed botocore's CodeCommit models, as a data path for the aws CLI: the CLI ships
    older models of its own, without GetBlobDifferences."""
    source = Path(botocore.__file__).parent / "data" / "codecommit" / "2015-04-13"
    target = folder / "codecommit" / "2015-04-13"
    target.mkdir(parents=True)
    (target / "service-2.json").write_bytes(gzip.decompress((source / "service-2.json.gz").read_bytes()))
    shutil.copy(source / "paginators-1.json", target / "paginators-1.json")
    return folder
