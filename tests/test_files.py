"""Outputs appear whole and together, or not at all."""
import pytest

from swarm._files import Outputs, atomic_path, check_writable


def test_outputs_appear_together_with_their_companion_folders(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "report_files").mkdir()
    (tmp_path / "report_files" / "old.png").write_text("stale")
    paths = [tmp_path / "a.mp4", tmp_path / "sub" / "b.npz", tmp_path / "report.md"]
    with Outputs(paths) as outputs:
        for path in paths:
            assert outputs[path].name == path.name and outputs[path].parent != path.parent
            outputs[path].write_text(path.name)
        (outputs[paths[2]].parent / "report_files").mkdir()
        (outputs[paths[2]].parent / "report_files" / "fig.png").write_text("new")
        assert not any(p.exists() for p in paths)  # nothing until the commit
        outputs.commit()
        assert outputs.committed
    assert [p.read_text() for p in paths] == ["a.mp4", "b.npz", "report.md"]
    assert sorted(p.name for p in (tmp_path / "report_files").iterdir()) == ["fig.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "report.md", "report_files",
                                                          "sub"]


def test_outputs_left_uncommitted_leave_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with Outputs([tmp_path / "a.mp4", None, tmp_path / "b.png"]) as outputs:
            outputs[tmp_path / "a.mp4"].write_text("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path, match", [("/proc/out.mp4", "cannot write '/proc/out.mp4'"),
                                         ("{tmp}/none/out.mp4", "does not exist"),
                                         ("{tmp}", "it is a folder")])
def test_a_place_where_nothing_can_be_written_is_refused_first(path, match, tmp_path):
    path = path.format(tmp=tmp_path)
    for check in (check_writable, lambda p: Outputs([tmp_path / "ok.png", p])):
        with pytest.raises(ValueError, match=match):
            check(path)
    with pytest.raises(ValueError, match=match):
        with atomic_path(path):
            pass
    assert list(tmp_path.iterdir()) == []
