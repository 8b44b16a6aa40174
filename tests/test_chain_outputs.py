"""The whole chain's outputs on the fixtures, the labelled sets and the real
pages are those checked in under tests/data/chain_outputs (see
tests/support/chain_outputs.py): a change of any output must be regenerated,
reviewed and explained."""

import pytest

from tests.support import chain_outputs


@pytest.mark.parametrize("name", list(chain_outputs.SETS))
def test_chain_outputs_are_the_expected_ones(name):
    expected = chain_outputs.read_expected(name)
    got = chain_outputs.outputs(name)
    assert got, f"set {name} has no inputs"
    differences = chain_outputs.differences(name, got, expected)
    assert not differences, (
        f"{len(differences)} chain output(s) of set {name!r} differ from "
        f"tests/data/chain_outputs/{name}.jsonl:\n  " + "\n  ".join(differences[:20])
        + f"\nIf the change is meant: run `{chain_outputs.REGEN} {name}`, read "
        "`git diff tests/data/chain_outputs`, replace each \"why\": \"TODO...\" there with the "
        "reason the output changed, and say why in the commit message."
    )


def test_a_changed_output_is_reported_with_its_reason_to_write(tmp_path, monkeypatch):
    monkeypatch.setattr(chain_outputs, "EXPECTED", tmp_path)
    outputs = {"a": {"lang": "zh"}, "b": {"lang": "en"}}
    monkeypatch.setitem(chain_outputs.SETS, "toy", lambda: dict(outputs))
    assert chain_outputs.regenerate("toy") == []
    assert chain_outputs.differences("toy", outputs, chain_outputs.read_expected("toy")) == []
    outputs["b"] = {"lang": "fr"}
    [line] = chain_outputs.differences("toy", outputs, chain_outputs.read_expected("toy"))
    assert line == 'b: lang: "en" -> "fr"'
    assert chain_outputs.regenerate("toy") == ["b"]
    expected = chain_outputs.read_expected("toy")
    assert expected["b"] == {"output": {"lang": "fr"}, "why": chain_outputs.TODO}
    # the TODO fails the check until replaced by a reason, which later runs keep
    assert chain_outputs.differences("toy", outputs, expected) == [f"b: why is still {chain_outputs.TODO!r}"]
    path = tmp_path / "toy.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace(chain_outputs.TODO, "fr is right"), encoding="utf-8")
    assert chain_outputs.regenerate("toy") == []
    assert chain_outputs.read_expected("toy")["b"]["why"] == "fr is right"
