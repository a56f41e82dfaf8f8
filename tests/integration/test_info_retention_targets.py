"""Run the info module targets and the image_retention targets against the emulator, as test_targets.py runs the
image module targets (its helpers: the same playbook, environment, config and timeouts).

A target is a directory of targets/ named ``<cloud>_image_info`` or ``image_retention_<cloud>``. Each run resets the emulator
(the ``emu`` fixture); the targets check results and the emulator's journal themselves.
"""

import json
import os

import pytest
from emulator_config import build_config
from test_targets import TARGETS, one_play, run_playbook, run_target, tail, without_emulator


def discover(predicate):
    return sorted(
        name
        for name in os.listdir(TARGETS)
        if os.path.isdir(os.path.join(TARGETS, name)) and not name.startswith("setup_") and predicate(name)
    )


INFO_TARGETS = discover(lambda name: name.endswith("_image_info"))
RETENTION_TARGETS = discover(lambda name: name.startswith("image_retention_"))


@pytest.fixture
def emu_config(emu):
    return build_config(emu.ports, emu.seed)


@pytest.mark.parametrize("target", INFO_TARGETS + RETENTION_TARGETS)
def test_target(target, emu, emu_config, tmp_path):
    run_target(target, emu_config, tmp_path)


@pytest.mark.parametrize("target", INFO_TARGETS)
def test_info_target_as_against_a_real_cloud(target, emu, emu_config, tmp_path):
    """Without emulator_control an info target runs only its `real: true` scenarios: reads, nothing deleted."""
    output = run_target(target, without_emulator(emu_config), tmp_path, " without emulator_control")
    assert "Skipped without the emulator:" in output, tail(output)
    calls = emu.control.journal()
    assert calls, "the real-cloud scenarios made no API call"
    assert [call for call in calls if call["mutating"] or call["action"].startswith("Delete")] == []


@pytest.mark.parametrize("target", RETENTION_TARGETS)
def test_retention_target_without_the_emulator_does_nothing(target, emu, emu_config, tmp_path):
    """The retention scenarios seed and delete hundreds of images: without emulator_control they must not run at all."""
    run_target(target, without_emulator(emu_config, iam=False), tmp_path, " without emulator_control")
    assert emu.control.journal() == [], "a retention target without the emulator must make no API call"


def retention_play(apply=None, play_check_mode=None):
    """One play running the role on the Tencent images chk-1 ... chk-5 with keep 1, asserting its reported check mode."""
    include = {"name": "multicloud.images.image_retention"}
    if apply is not None:
        include["apply"] = apply
    connection = {
        name: "{{ tencent_%s }}" % name
        for name in ("access_key", "secret_key", "region", "endpoint", "service_endpoints")
    }
    play = one_play(
        tasks=[
            {
                "name": "Run the role",
                "ansible.builtin.include_role": include,
                "vars": {
                    "image_retention_cloud": "tencent",
                    "image_retention_name_regex": "^chk-",
                    "image_retention_keep": 1,
                },
            },
            {
                "name": "Keep the result",
                "check_mode": False,
                "ansible.builtin.copy": {
                    "content": "{{ image_retention_result | to_json }}",
                    "dest": "{{ playbook_dir }}/result.json",
                    "mode": "0600",
                },
            },
        ]
    )
    play["module_defaults"] = {"group/multicloud.images.tencent": connection}
    if play_check_mode is not None:
        play["check_mode"] = play_check_mode
    return play


CHECK_MODE_CASES = {
    # check_mode on the play: ansible_check_mode stays false, the modules run in check mode
    "play check_mode true": (retention_play(play_check_mode=True), (), True),
    # --check, but the include's apply turns it off: ansible_check_mode is true, the modules really delete
    "--check overridden by apply check_mode false": (retention_play(apply={"check_mode": False}), ("--check",), False),
}


@pytest.mark.parametrize("case", sorted(CHECK_MODE_CASES))
def test_retention_reports_the_check_mode_the_modules_ran_in(case, emu, emu_config, tmp_path):
    play, extra_args, expected = CHECK_MODE_CASES[case]
    emu.control.add_images(
        "tencent",
        [
            {"id": "img-chk%05d" % i, "name": "chk-%d" % i, "created_at": "2026-01-%02dT00:00:00Z" % (10 - i)}
            for i in range(1, 6)
        ],
    )
    rc, output, seconds = run_playbook(tmp_path, play, emu_config, extra_args)
    assert rc == 0, "rc %s in %.1f s:\n%s" % (rc, seconds, tail(output))
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert result["check_mode"] is expected
    assert sorted(result["deleted"]) == ["img-chk%05d" % i for i in range(2, 6)]
    mutating = [call for call in emu.control.journal() if call["mutating"]]
    assert bool(mutating) is not expected, [call["action"] for call in mutating]
