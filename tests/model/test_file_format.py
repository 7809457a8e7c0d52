"""The model file format (analysis.model.file_format): data only, so nothing in a model file ever runs.

Model files of earlier versions were a zlib-compressed pickle behind a JSON header, and loading one ran
whatever the pickle said. These tests craft such files, and hostile files in today's format, whose
contents would create a marker file if anything in them were executed. Every loader must refuse them
with a clear error, and the marker must never appear. The ``score``/``evaluate`` commands are checked
with the same crafted files in tests/commands/test_train.py and tests/commands/test_evaluate.py.
"""
from __future__ import annotations

import hashlib
import io
import json
import pickle
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ModelMismatchError, UsageError
from analysis.model.classifier import decision_values
from analysis.model.features import article_docs, stack_blocks
from analysis.model.file_format import FORMAT_VERSION, read_header
from analysis.model.theme_model import fit_model, installed_versions, load_model, predict_themes, save_model

OLD_MAGIC = b"PNA-THEME-MODEL\n"  # the first line of the pickle-based files of format 1 and 2


class RunsCode:
    """An object whose unpickling runs ``code``: what a hostile pickle-based model file carries."""

    def __init__(self, code: str) -> None:
        """Keep the code to run on unpickling."""
        self.code = code

    def __reduce__(self) -> tuple:
        """Unpickle as ``exec(code)``."""
        return exec, (self.code,)


def touch_code(marker: Path) -> str:
    """Python source that creates ``marker``."""
    return f"import pathlib; pathlib.Path({str(marker)!r}).touch()"


def craft_pickle_model(path: Path, marker: Path) -> Path:
    """Write a model file in the pickle format of earlier versions whose payload creates ``marker``.

    The header is genuine (format 2, the installed versions, a correct payload checksum), so every
    check made before unpickling passes.
    """
    payload = zlib.compress(pickle.dumps(RunsCode(touch_code(marker)), protocol=4), 6)
    header = {"format": "policy-news-analysis/theme-model", "format_version": 2, **installed_versions(),
              "themes": ["migration", "trade"], "labels": ["migration", "trade"],
              "payload_sha256": hashlib.sha256(payload).hexdigest(), "payload_bytes": len(payload)}
    raw = json.dumps(header).encode("utf-8")
    path.write_bytes(OLD_MAGIC + len(raw).to_bytes(8, "big") + raw + payload)
    return path


def test_pickle_model_file_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    path = craft_pickle_model(tmp_path / "evil.model", marker)
    articles = pd.DataFrame({"article_id": ["a"], "title": ["Tariffs rise"], "text": [""]})
    for load in (load_model, lambda p: predict_themes(p, articles), lambda p: predict_themes(str(p), articles)):
        with pytest.raises(ModelMismatchError) as err:
            load(path)
        assert not marker.exists(), "loading a model file ran code from it"
        assert "pickle" in str(err.value) and "python -m analysis train" in str(err.value)
        assert "\n" not in str(err.value)


def rewrite_model(src: Path, dst: Path, header: dict | None = None, members: dict | None = None,
                  relist: bool = True) -> Path:
    """Copy a model zip with some metadata fields and member bytes changed (None removes a member).

    With ``relist`` the ``contents`` list follows the new bytes (size, checksum and, for ``.npy``,
    dtype and shape), so that only the deeper checks can refuse the file.
    """
    with zipfile.ZipFile(src) as zf:
        data = {n: zf.read(n) for n in zf.namelist()}
    meta = json.loads(data.pop("metadata.json"))
    for name, raw in (members or {}).items():
        if raw is None:
            data.pop(name, None)
            if relist:
                meta["contents"].pop(name, None)
            continue
        data[name] = raw
        if relist:
            entry = dict(meta["contents"].get(name, {}), bytes=len(raw), sha256=hashlib.sha256(raw).hexdigest())
            if raw.startswith(b"\x93NUMPY"):
                fh = io.BytesIO(raw)
                np.lib.format.read_magic(fh)
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                entry.update(dtype=dtype.name, shape=list(shape))
            meta["contents"][name] = entry
    meta.update(header or {})
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", json.dumps(meta))
        for name, raw in data.items():
            zf.writestr(name, raw)
    return dst


def npy(array: np.ndarray) -> bytes:
    """``array`` as .npy bytes (pickled when it holds objects)."""
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    return buf.getvalue()


def labelled_set(n_per_label: int = 12, seed: int = 7) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """A small labelled set: 6 source labels in 3 themes, words drawn from per-label vocabularies."""
    rng = np.random.default_rng(seed)
    words = {"tariff_cars": "tariffs cars exports duties steel trade levy import".split(),
             "tariff_farm": "tariffs soybeans farmers exports trade grain quota import".split(),
             "asylum": "asylum border migrants claims court hearing shelter visa".split(),
             "deport": "deportation border migrants removal visa detention flights police".split(),
             "crime": "police arrest robbery court sentence prison crime gang".split(),
             "fraud": "fraud police charges court prosecutors bank scheme prison".split()}
    themes = {"tariff_cars": "trade", "tariff_farm": "trade", "asylum": "migration", "deport": "migration",
              "crime": "security_crime", "fraud": "security_crime"}
    rows, labels = [], []
    for label, vocab in words.items():
        for i in range(n_per_label):
            title = " ".join(rng.choice(vocab, 4)).capitalize()
            text = ". ".join(" ".join(rng.choice(vocab + ["the", "a", "said", "on"], 9)) for _ in range(3)) + "."
            rows.append({"article_id": f"{label}-{i}", "title": title, "text": text})
            labels.append(label)
    return pd.DataFrame(rows), labels, themes


@pytest.fixture(scope="module")
def small_models(tmp_path_factory) -> dict[str, tuple[object, Path]]:
    """An ensemble (3 member kinds, char and lexicon blocks) and a 2-theme balanced model, each saved."""
    arts, labels, themes = labelled_set()
    folder = tmp_path_factory.mktemp("models")
    ensemble = fit_model(arts, labels, label_map=themes, cv=0, char_ngrams=(2, 4), presets="ensemble",
                         min_label_count=1)
    two = [themes[lab] != "trade" for lab in labels]
    binary = fit_model(arts, ["trade" if not t else "other" for t in two], cv=0, char_ngrams=None,
                       target="theme", class_weight="balanced", title_weight=0.5)
    return {name: (m, save_model(m, folder / f"{name}.model")) for name, m in
            (("ensemble", ensemble), ("binary", binary))}


@pytest.mark.parametrize("name", ["ensemble", "binary"])
def test_saved_model_predicts_bit_identically(small_models, name):
    model, path = small_models[name]
    loaded = load_model(path)
    arts, _, _ = labelled_set(n_per_label=5, seed=99)  # new articles
    pd.testing.assert_frame_equal(predict_themes(model, arts), predict_themes(loaded, arts), check_exact=True)
    docs = article_docs(arts)
    blocks, again = model.matrix(docs, None), loaded.matrix(docs, None)
    assert sorted(blocks) == sorted(again)
    for b in blocks:
        assert blocks[b].dtype == again[b].dtype and (blocks[b] != again[b]).nnz == 0
    for m, n in zip(model.members, loaded.members, strict=True):
        assert type(m["clf"]) is type(n["clf"]) and m["weights"] == n["weights"] and m["scale"] == n["scale"]
        assert np.array_equal(decision_values(m["clf"], stack_blocks(blocks, m["weights"])),
                              decision_values(n["clf"], stack_blocks(again, n["weights"])))
    assert [m["name"] for m in loaded.members] == [m["name"] for m in model.members]
    assert loaded.label_to_theme == model.label_to_theme and loaded.themes == model.themes
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert names[0] == "metadata.json" and all(n.endswith((".json", ".npy")) for n in names)


def test_ensemble_file_holds_every_member_kind(small_models):
    model, path = small_models["ensemble"]
    assert [type(m["clf"]).__name__ for m in model.members] == ["LinearSVC", "LinearSVC", "ComplementNB"]
    assert sorted(model.vectorizers) == ["char", "word"] and model.config["lexicon_features"]
    header = read_header(path)
    assert header["format_version"] == FORMAT_VERSION and header["labels"] == sorted(set(labelled_set()[1]))
    for entry in header["contents"].values():
        assert entry["bytes"] > 0 and len(entry["sha256"]) == 64


def test_object_array_with_a_pickle_is_refused_and_never_run(small_models, tmp_path):
    _, path = small_models["ensemble"]
    marker = tmp_path / "pwned"
    evil = np.array([RunsCode(touch_code(marker)), 1.0], dtype=object)
    cases = {"object dtype": npy(evil), "bare pickle": pickle.dumps(RunsCode(touch_code(marker))),
             "npz inside": zip_bytes({"coef.npy": npy(evil)})}
    for what, raw in cases.items():
        bad = rewrite_model(path, tmp_path / f"{what}.model", members={"arrays/member0.coef.npy": raw})
        with pytest.raises(ModelMismatchError, match=r"corrupt model file \(arrays/member0\.coef\.npy.*retrain") as err:
            load_model(bad)
        assert "\n" not in str(err.value), what
        assert not marker.exists(), f"loading a model file ({what}) ran code from it"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip archive holding ``members``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, raw in members.items():
            zf.writestr(name, raw)
    return buf.getvalue()


def test_unexpected_members_are_refused(small_models, tmp_path):
    _, path = small_models["binary"]
    marker = tmp_path / "pwned"
    payload = pickle.dumps(RunsCode(touch_code(marker)))
    unlisted = rewrite_model(path, tmp_path / "unlisted.model", members={"model.pkl": payload}, relist=False)
    with pytest.raises(ModelMismatchError, match=r"unexpected member\(s\) in the model file: \['model\.pkl'\]"):
        load_model(unlisted)
    listed = rewrite_model(path, tmp_path / "listed.model", members={"model.pkl": payload})
    with pytest.raises(ModelMismatchError, match=r"unexpected member in the model file: 'model\.pkl'"):
        load_model(listed)
    unused = rewrite_model(path, tmp_path / "unused.model", members={"arrays/spare.npy": npy(np.zeros(3))})
    with pytest.raises(ModelMismatchError, match=r"unexpected member\(s\) \['spare'\]"):
        load_model(unused)
    assert not marker.exists()


def test_mismatched_shapes_and_dtypes_are_clear_errors(small_models, tmp_path):
    model, path = small_models["ensemble"]
    coef = model.members[0]["clf"].coef_
    cases = {
        "arrays/member0.coef.npy": (npy(coef[:, :-1]), r"member0\.coef is float(32|64) \[\d+, \d+\], expected float"),
        "arrays/member2.feature_log_prob.npy": (npy(np.zeros((2, 3), dtype=np.float64)), "member2.feature_log_prob"),
        "arrays/word.idf.npy": (npy(np.ones(5, dtype=np.float32)), r"word\.idf is float32 \[5\], expected a float vector"),
        "vocabulary.word.json": (json.dumps(["a", "a"]).encode(), "repeats terms"),
    }
    for name, (raw, message) in cases.items():
        bad = rewrite_model(path, tmp_path / "bad.model", members={name: raw})
        with pytest.raises(ModelMismatchError, match=rf"corrupt model file \(cannot rebuild the model: .*{message}"):
            load_model(bad)
    huge = npy(np.zeros(3)).replace(b"'shape': (3,)", b"'shape': (1000000000000,)")
    with pytest.raises(ModelMismatchError, match=r"claims shape \[1000000000000\], more than its \d+ bytes"):
        load_model(rewrite_model(path, tmp_path / "h.model", members={"arrays/member0.intercept.npy": huge}))
    strings = rewrite_model(path, tmp_path / "s.model", members={"arrays/member0.intercept.npy": npy(np.array(["x"]))})
    with pytest.raises(ModelMismatchError, match=r"dtype <U1, not one of float32"):
        load_model(strings)
    listed_wrong = rewrite_model(path, tmp_path / "l.model", members={"arrays/member0.coef.npy": npy(coef[:1])},
                                 relist=False)
    with pytest.raises(ModelMismatchError, match="checksum mismatch in arrays/member0.coef.npy"):
        load_model(listed_wrong)
    doc = json.loads(zipfile.ZipFile(path).read("model.json"))
    doc["members"][0]["classifier"]["class"] = "os.system"
    with pytest.raises(ModelMismatchError, match="unknown classifier class 'os.system'"):
        load_model(rewrite_model(path, tmp_path / "c.model", members={"model.json": json.dumps(doc).encode()}))


def test_foreign_truncated_and_missing_files_are_clear_errors(small_models, tmp_path):
    _, path = small_models["binary"]
    cut = tmp_path / "cut.model"
    cut.write_bytes(path.read_bytes()[:-200])
    for bad, message in ((cut, "not a theme model file"), (Path(__file__), "not a theme model file"),
                         (rewrite_model(path, tmp_path / "f.model", header={"format": "other"}), "format 'other'"),
                         (rewrite_model(path, tmp_path / "n.model", members={"model.json": b"{"}), "is not JSON")):
        with pytest.raises(ModelMismatchError, match=message):
            load_model(bad)
    with pytest.raises(UsageError, match="model file not found"):
        load_model(tmp_path / "missing.model")
    with pytest.raises(UsageError, match="is a folder"):
        load_model(tmp_path)
