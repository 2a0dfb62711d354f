"""The staff's check of the recorded-prompt folder."""

from kiosk.locale import catalogue
from kiosk.speech.cues import generate_cues
from kiosk.speech.pcm import write_wav
from kiosk.speech.prompts import check_prompts, main, recordable


def _fixed_and_param_ids(lang):
    fixed = next(iter(recordable(lang)))
    with_params = next(k for k, v in catalogue(lang).items() if "{" in v)
    return fixed, with_params


def test_report_names_recorded_missing_and_unusable_files(tmp_path, capsys):
    fixed, with_params = _fixed_and_param_ids("kk")
    (tmp_path / "kk").mkdir()
    write_wav(tmp_path / "kk" / f"{fixed}.wav", generate_cues()["success"])
    write_wav(tmp_path / "kk" / f"{with_params}.wav", generate_cues()["success"])
    write_wav(tmp_path / "kk" / "no.such.id.wav", generate_cues()["success"])
    r = check_prompts(tmp_path, "kk")
    assert r.recorded == {fixed: 0.15}
    assert fixed not in r.missing and len(r.missing) == len(recordable("kk")) - 1
    assert "placeholders" in r.unused[f"{with_params}.wav"]
    assert "no message" in r.unused["no.such.id.wav"]
    assert main([str(tmp_path), "--lang", "kk"]) == 1  # unused files are worth fixing
    out = capsys.readouterr().out
    assert f"ok       {fixed}.wav" in out and "UNUSED   no.such.id.wav" in out


def test_empty_folder_lists_everything_to_record(tmp_path):
    r = check_prompts(tmp_path, "ru")
    assert r.recorded == {} and r.unused == {}
    assert r.missing == recordable("ru")
    assert all("{" not in text for text in r.missing.values())
    assert main([str(tmp_path)]) == 0
