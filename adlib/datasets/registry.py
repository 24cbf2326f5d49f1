"""Which data files exist, where upstream keeps them, and the sha256 each must have.

The facts come from the mirror's ``SHA256SUMS``; the upstream files (``shubhomoydas/ad_examples``,
MIT licence) are immutable at these hashes. Every entry's files live under ``<name>/`` both in a
local mirror (``$ADLIB_DATA``) and in the download cache.

Kinds of entries:

* ``"benchmark"``: the labelled benchmark tables of the AAD papers (``anomaly``/``nominal`` in the
  first column), upstream under ``datasets/anomaly/<name>/fullsamples/``;
* ``"points"``: 2-D point sets of the original's other chapters (``face``: the GCN face, with
  and without anomalies; ``donut``: a GAN ring), upstream directly under ``datasets/``;
* ``"scores"``: ``toy_scores``, 50 detectors' scores of the ``toy`` rows, upstream under
  ``datasets/``;
* ``"timeseries"``: ``simulated_timeseries`` (three files), upstream under
  ``datasets/timeseries/simulated_timeseries/``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from .errors import DataError, UnknownDatasetError

__all__ = ["REGISTRY", "UPSTREAM_ROOT", "UPSTREAM_URL", "DatasetInfo", "dataset_names", "info"]

#: Upstream's ``datasets/`` folder.
UPSTREAM_ROOT = "https://raw.githubusercontent.com/shubhomoydas/ad_examples/master/ad_examples/datasets"
#: Upstream's ``datasets/anomaly`` folder: the base URL of a download (``base_url=``,
#: ``$ADLIB_DATA_URL`` point at a mirror of this folder). Files outside it are found relative to
#: it as upstream lays them out (``../face_with_anoms.csv``).
UPSTREAM_URL = UPSTREAM_ROOT + "/anomaly"

# Same format as ``sha256sum`` output, in the order of the mirror README table (small to large).
_BENCHMARK_SUMS = """
746de4647c02d71919a26b521e3c5ddc110ca343d1fd176678ae9a56f02e2b0d  toy/toy_1.csv
669fb7d54f0796dd27df40cc4fe9cd6cfe3916abaa690b33ef7219203a211c71  toy2/toy2_1.csv
aaf511b03937a3fda6c3d50766fd8678c58a01852c74420db8c58bf66e018815  toy2/toy2_1_orig_labels.csv
64019c33a765bdcc4bc57ce05d5dcdea0158fa7b046244ef146bd9761dbecf8a  toy_hard/toy_hard_1.csv
ba968c98d5cbe5da55fcfba053374be07eec02b914ba7faefcc63ecce8708ecf  toy_hard/toy_hard_1_orig_labels.csv
5c1336a1f3bcfc4dfb1d3c3e7737137b2c1a6f58548034bb9d2e86647593ee84  abalone/abalone_1.csv
2d20bf4b4a1ad3d4c8c3f206ff918c0763baad2cbfde7d4f3f30a23fbe406ce9  abalone/abalone_1_orig_labels.csv
cf441ab0af1c1d33be9a783b23163c6cf81eef6f73d853e1f30ded76866897cc  abalone/abalone_1_tsne.csv
ef723674ebbbfc50a8316eed50e2f78aa289bf50e0524936bd57798950fada0f  ann_thyroid_1v3/ann_thyroid_1v3_1.csv
b34042af2e588551bec6a0d51874fcc785057e7a9b18f099a4232b88e69e124c  ann_thyroid_1v3/ann_thyroid_1v3_1_orig_labels.csv
8ce7c0a820938833e1d2055b8afafd227dc3a94c3420b592ed1c69e3ed1c8566  ann_thyroid_1v3/ann_thyroid_1v3_1_tsne.csv
de88cc716e08e518b3ef4076916547c10fac05e19e7b0a24ab0cb099788d989b  cardiotocography_1/cardiotocography_1_1.csv
8bad7e5bfe57613dfee04961ebd14f754ce15da43ade2cffb711fd3b8bfd69e0  cardiotocography_1/cardiotocography_1_1_orig_labels.csv
e9dd01f9540fc6e49507a47ff2113a50ec19f3f4070f9475c50e9903458dc417  cardiotocography_1/cardiotocography_1_1_tsne.csv
39768ad8f3ade8c53712199277627393fb866ba9b0f241a57509f0476c661f92  yeast/yeast_1.csv
d70716c28cbe7016fad613e113677e273a8e5be772cd76c0eb46680563737ea2  yeast/yeast_1_orig_labels.csv
abf19113346dbdf5b6e1abe1962546e4824669f134bbe42381c3aa6a6ac78089  yeast/yeast_1_tsne.csv
73a583451b5989c7d70cd7c4e2cc11779ed304af0c90f98bf5bf7153db25441e  mammography/mammography_1.csv
38c9cc2fef1c512d22b0d996077ac027d8b8c3487623f5377a72edc68d703e5f  mammography/mammography_1_orig_labels.csv
8731299a8d23d8b8f20d590fbef8e80f1347f5225f92e4254ee7bf3508d20746  shuttle_1v23567/shuttle_1v23567_1.csv
04f6bcc37c133a35e67a7ae2bc2ffeef1dbb61b119a49ccf9c31dfeb1c82c4a9  shuttle_1v23567/shuttle_1v23567_1_orig_labels.csv
8ac52ed1657cf535fb8da10ece3205ffceb56815ea9ca8b4744a44dda2a01c12  weather/weather_1.csv
7689af8177cf7dc675fd93a4e3ace14ec46713095ce503c92210886adc28ef6f  weather/weather_1_orig_labels.csv
"""

# The original's other data: name, kind, upstream folder relative to UPSTREAM_URL, and
# (role, file, sha256) per file.
_OTHER = (
    ("face", "points", "..", (
        ("data", "face_with_anoms.csv",
         "b4fac9eb8291e2ce146fffaae53abd40d2a6e3e5b4a838d36f90bc93e9f158fe"),
        ("clean", "face.csv", "ec11297e23d5c36684e3d728c98f81195281578ccd66598e4ecfffed855aba28"),
    )),
    ("donut", "points", "..", (
        ("data", "donut-shape.csv",
         "b3de7447f8507e643004bc11c6d8cdf8b3f0dd300254d565b8366fc25e6a45c2"),
    )),
    ("toy_scores", "scores", "..", (
        ("data", "toy_scores.csv",
         "32a5436bcfb71ba502818ad2dff6e34b65a50338d1353c7fea5dbab49ddae861"),
    )),
    ("simulated_timeseries", "timeseries", "../timeseries/simulated_timeseries", (
        ("data", "samples_2000.csv",
         "c9b066efb64f61745b941b870f5ff40fc7efeb282c4f13fcacf8c20316afefcd"),
        ("activities", "activities_2000.csv",
         "8250b7c011a0583d9476b8a1cb8bb781b085bad3244115bf765eb060bddd9d12"),
        ("starts", "starts_2000.csv",
         "83a22dfdc15fd344b9128dd639cf96a3be0626e77134faf1bf59f7295abfd804"),
    )),
)

ROLE_SUFFIX = {"data": "_1.csv", "orig_labels": "_1_orig_labels.csv", "tsne": "_1_tsne.csv"}
KINDS = ("benchmark", "points", "scores", "timeseries")


@dataclass(frozen=True)
class DatasetInfo:
    """Where a dataset's files live and what their sha256 must be.

    ``files`` maps a role (benchmarks: ``"data"``, ``"orig_labels"``, ``"tsne"``; the others see
    the module docstring) to ``(relative path, sha256)``; the relative path is
    ``"<name>/<file>"`` both in a local mirror and in the cache. ``kind`` is one of
    ``"benchmark"``, ``"points"``, ``"scores"``, ``"timeseries"``; ``remote_dir`` is the upstream
    folder relative to the download base URL (``None``: ``<name>/fullsamples``, the benchmarks').
    """

    name: str
    files: dict[str, tuple[str, str]]
    kind: str = "benchmark"
    remote_dir: str | None = None

    def relpath(self, role: str = "data") -> str:
        """Relative path of the file for ``role`` (e.g. ``"abalone/abalone_1.csv"``)."""
        return self._entry(role)[0]

    def sha256(self, role: str = "data") -> str:
        """Expected sha256 (hex) of the file for ``role``."""
        return self._entry(role)[1]

    def url(self, role: str = "data", base_url: str | None = None) -> str:
        """Download URL: ``<base_url or UPSTREAM_URL>/<remote_dir>/<file>``.

        ``base_url`` stands for upstream's ``datasets/anomaly`` folder; a benchmark file is at
        ``<base>/<name>/fullsamples/<file>``, the other data where upstream keeps it relative to
        that folder (e.g. ``<base>/../face.csv``, dot segments resolved).
        """
        file = Path(self.relpath(role)).name
        base = (base_url or UPSTREAM_URL).rstrip("/") + "/"
        folder = self.remote_dir if self.remote_dir is not None else f"{self.name}/fullsamples"
        return urljoin(base, f"{folder}/{file}")

    def _entry(self, role: str) -> tuple[str, str]:
        try:
            return self.files[role]
        except KeyError:
            raise DataError(
                f"Dataset {self.name!r} has no {role!r} file. "
                f"Fix: use one of the roles it has: {', '.join(self.files)}."
            ) from None


def _build_registry() -> dict[str, DatasetInfo]:
    """One :class:`DatasetInfo` per mirror folder: the benchmarks, then the other data."""
    files: dict[str, dict[str, tuple[str, str]]] = {}
    for line in _BENCHMARK_SUMS.strip().splitlines():
        sha, rel = line.split()
        name, file = rel.split("/")
        role = next(r for r, suffix in ROLE_SUFFIX.items() if file == name + suffix)
        files.setdefault(name, {})[role] = (rel, sha)
    registry = {name: DatasetInfo(name, roles) for name, roles in files.items()}
    for name, kind, remote, entries in _OTHER:
        roles = {role: (f"{name}/{file}", sha) for role, file, sha in entries}
        registry[name] = DatasetInfo(name, roles, kind=kind, remote_dir=remote)
    return registry


REGISTRY: dict[str, DatasetInfo] = _build_registry()


def dataset_names(kind: str | None = "benchmark") -> list[str]:
    """Names in the registry of one ``kind`` (default: the benchmarks, smallest first).

    ``kind=None`` lists every name; the kinds are ``"benchmark"``, ``"points"`` (face, donut),
    ``"scores"`` (toy_scores) and ``"timeseries"`` (simulated_timeseries).
    """
    if kind is not None and kind not in KINDS:
        raise DataError(f"Unknown kind {kind!r}. Fix: pass one of {', '.join(KINDS)}, or None "
                        "for every name.")
    return [name for name, entry in REGISTRY.items() if kind is None or entry.kind == kind]


def info(name: str) -> DatasetInfo:
    """Registry entry for ``name`` (case-insensitive), or a helpful UnknownDatasetError."""
    key = str(name).strip().lower()
    if key in REGISTRY:
        return REGISTRY[key]
    close = difflib.get_close_matches(key, list(REGISTRY), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownDatasetError(
        f"Unknown dataset {name!r}.{hint} Known datasets: {', '.join(REGISTRY)}. "
        "Fix: pass one of these names (case-insensitive), or use load_csv() for your own file."
    )
