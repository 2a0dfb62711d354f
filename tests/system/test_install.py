"""systemd/install.sh run for real into a temporary directory tree (--root): twice (the
second run changes nothing), --dry-run (changes nothing), --uninstall (puts things back)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "systemd" / "install.sh"
CMDLINE = "console=serial0,115200 console=tty1 root=PARTUUID=1234-02 rootfstype=ext4 rootwait\n"
CONFIG_TXT = "# Raspberry Pi config\ndtparam=audio=on\ncamera_auto_detect=1\n"
GROUPS = ["video", "render", "input", "gpio", "audio", "lp"]

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None or shutil.which("systemctl") is None,
    reason="needs root (chown, useradd --prefix) and systemctl (--root enable)",
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A Raspberry Pi OS-like root: users, groups (incl. gpio), boot partition files."""
    root = tmp_path / "pi"
    etc = root / "etc"
    etc.mkdir(parents=True)
    (etc / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000::/home/pi:/bin/bash\n")
    groups = ["root:x:0:", "sudo:x:27:pi", "pi:x:1000:"]
    groups += [f"{g}:x:{100 + i}:pi" for i, g in enumerate(GROUPS)]
    (etc / "group").write_text("\n".join(groups) + "\n")
    (etc / "shadow").write_text("root:*:19000:0:99999:7:::\npi:*:19000:0:99999:7:::\n")
    (etc / "gshadow").write_text("".join(f"{g.split(':')[0]}:!::\n" for g in groups))
    os.chmod(etc / "shadow", 0o640)
    os.chmod(etc / "gshadow", 0o640)
    (etc / "os-release").write_text('ID=debian\nVERSION_CODENAME=bookworm\n')
    boot = root / "boot" / "firmware"
    boot.mkdir(parents=True)
    (boot / "cmdline.txt").write_text(CMDLINE)
    (boot / "config.txt").write_text(CONFIG_TXT)
    return root


def run(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["bash", str(INSTALL), "--root", str(root), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def lines(done: subprocess.CompletedProcess[str], kind: str) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith(kind + ":")]


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path with its type, mode, owner and content (or link target)."""
    out: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        rel = str(path.relative_to(root))
        if stat.S_ISLNK(st.st_mode):
            out[rel] = ("link", os.readlink(path))
        elif stat.S_ISDIR(st.st_mode):
            out[rel] = ("dir", stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[rel] = ("file", stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, digest)
    return out


def user_line(root: Path, name: str) -> list[str] | None:
    for line in (root / "etc" / "passwd").read_text().splitlines():
        if line.split(":")[0] == name:
            return line.split(":")
    return None


def groups_of(root: Path, name: str) -> set[str]:
    out = set()
    for line in (root / "etc" / "group").read_text().splitlines():
        parts = line.split(":")
        if name in parts[3].split(","):
            out.add(parts[0])
    return out


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_install_twice_second_run_changes_nothing(tree: Path):
    first = run(tree)
    assert len(lines(first, "changed")) >= 15, first.stdout
    after_first = snapshot(tree)

    # the kiosk user: a system user without a login shell, exactly the device groups
    user = user_line(tree, "kiosk")
    assert user is not None and user[6] == "/usr/sbin/nologin" and int(user[2]) < 1000
    assert groups_of(tree, "kiosk") == set(GROUPS)
    uid, gid = int(user[2]), int(user[3])

    etc_kiosk = tree / "etc" / "kiosk"
    password = etc_kiosk / "irbis.password"
    assert mode(password) == 0o600 and password.stat().st_uid == uid
    assert password.read_text().strip() == "CHANGE-ME"  # no terminal: a placeholder
    config = etc_kiosk / "kiosk.toml"
    assert config.read_bytes() == (REPO / "systemd" / "kiosk.example.toml").read_bytes()
    assert mode(config) == 0o640 and (config.stat().st_uid, config.stat().st_gid) == (0, gid)
    state = tree / "var" / "lib" / "kiosk"
    assert mode(state) == 0o750 and state.stat().st_uid == uid

    units = tree / "etc" / "systemd" / "system"
    for unit in ("kiosk.service", "kiosk-callpoint.service", "kiosk-staff-console.service"):
        assert (units / unit).read_bytes() == (REPO / "systemd" / unit).read_bytes()
        assert mode(units / unit) == 0o644
    wants = units / "multi-user.target.wants"
    assert os.readlink(wants / "kiosk.service") == "/etc/systemd/system/kiosk.service"
    assert not (wants / "kiosk-staff-console.service").exists()  # not asked for
    assert (tree / "etc/udev/rules.d/99-kiosk.rules").is_file()
    polkit = (tree / "etc/polkit-1/rules.d/50-kiosk.rules").read_text()
    assert 'subject.user === "kiosk"' in polkit and "login1.power-off" in polkit
    assert "SystemMaxUse=" in (tree / "etc/systemd/journald.conf.d/50-kiosk.conf").read_text()
    # a keyboard plugged into the kiosk reaches no spare console and cannot reboot it
    assert "NAutoVTs=0" in (tree / "etc/systemd/logind.conf.d/50-kiosk.conf").read_text()
    assert os.readlink(units / "ctrl-alt-del.target") == "/dev/null"
    # the app is restarted every night (bounds memory kept per session)
    assert (units / "timers.target.wants" / "kiosk-nightly-restart.timer").is_symlink()

    cmdline = (tree / "boot/firmware/cmdline.txt").read_text()
    assert cmdline.split() == CMDLINE.split() + ["consoleblank=0"]
    assert cmdline.count("\n") == 1  # still one line: the Pi ignores anything after it
    assert "dtoverlay=vc4-kms-v3d" in (tree / "boot/firmware/config.txt").read_text()

    second = run(tree)
    assert lines(second, "changed") == [], second.stdout
    assert "done: nothing changed" in second.stdout
    assert len(lines(second, "unchanged")) >= 15
    assert snapshot(tree) == after_first


def test_dry_run_changes_nothing_and_lists_every_action(tree: Path):
    before = snapshot(tree)
    dry = run(tree, "--dry-run")
    assert snapshot(tree) == before
    would = lines(dry, "would")
    assert lines(dry, "changed") == []
    real = run(tree)
    # the dry run announced exactly what the real run then did
    assert [w.split(":", 1)[1].split("(")[0].strip() for w in would] == [
        c.split(":", 1)[1].split("(")[0].strip() for c in lines(real, "changed")
    ]
    installed = snapshot(tree)
    again = run(tree, "--dry-run")
    assert lines(again, "would") == [] and snapshot(tree) == installed
    assert "0 action(s) would run" in again.stdout


def test_existing_settings_are_kept_and_permissions_repaired(tree: Path):
    etc_kiosk = tree / "etc" / "kiosk"
    etc_kiosk.mkdir(parents=True)
    (etc_kiosk / "kiosk.toml").write_text('[kiosk]\nid = "reading-room"\n')
    password = etc_kiosk / "irbis.password"
    password.write_text("real-secret\n")
    os.chmod(password, 0o644)  # someone made it readable by everybody
    done = run(tree)
    assert (etc_kiosk / "kiosk.toml").read_text() == '[kiosk]\nid = "reading-room"\n'
    assert password.read_text() == "real-secret\n" and mode(password) == 0o600
    assert any("irbis.password: mode 600" in line for line in lines(done, "changed"))
    assert "real-secret" not in done.stdout + done.stderr


def test_password_from_file_option(tree: Path, tmp_path: Path):
    source = tmp_path / "pw.txt"
    source.write_text("from-file\n")
    done = run(tree, "--password-file", str(source))
    assert (tree / "etc/kiosk/irbis.password").read_text() == "from-file\n"
    assert "from-file" not in done.stdout + done.stderr


def test_extra_groups_of_an_existing_kiosk_user_are_removed(tree: Path):
    with open(tree / "etc" / "passwd", "a") as f:
        f.write("kiosk:x:990:990::/var/lib/kiosk:/usr/sbin/nologin\n")
    text = (tree / "etc" / "group").read_text().replace("sudo:x:27:pi", "sudo:x:27:pi,kiosk")
    (tree / "etc" / "group").write_text(text + "kiosk:x:990:\n")
    with open(tree / "etc" / "gshadow", "a") as f:
        f.write("kiosk:!::\n")
    done = run(tree)
    assert groups_of(tree, "kiosk") == set(GROUPS)
    assert any("groups set to exactly" in line for line in lines(done, "changed"))


def test_selected_units_are_enabled(tree: Path):
    run(tree, "--units", "kiosk,staff-console,callpoint")
    wants = tree / "etc/systemd/system/multi-user.target.wants"
    assert sorted(p.name for p in wants.iterdir()) == [
        "kiosk-callpoint.service",
        "kiosk-staff-console.service",
        "kiosk.service",
    ]


def test_uninstall_removes_what_it_installed_and_keeps_data(tree: Path):
    run(tree)
    (tree / "var/lib/kiosk/journal.sqlite3").write_bytes(b"loans")
    first = run(tree, "--uninstall")
    assert lines(first, "changed")
    for gone in (
        "etc/systemd/system/kiosk.service",
        "etc/systemd/system/multi-user.target.wants/kiosk.service",
        "etc/udev/rules.d/99-kiosk.rules",
        "etc/polkit-1/rules.d/50-kiosk.rules",
        "etc/systemd/journald.conf.d/50-kiosk.conf",
        "etc/systemd/logind.conf.d/50-kiosk.conf",
        "etc/systemd/system/ctrl-alt-del.target",
        "etc/systemd/system/timers.target.wants/kiosk-nightly-restart.timer",
        "etc/systemd/system/kiosk-nightly-restart.timer",
        "opt/kiosk",
    ):
        assert not (tree / gone).exists() and not (tree / gone).is_symlink(), gone
    assert (tree / "boot/firmware/cmdline.txt").read_text() == CMDLINE
    assert (tree / "boot/firmware/config.txt").read_text() == CONFIG_TXT
    assert (tree / "var/lib/kiosk/journal.sqlite3").read_bytes() == b"loans"  # the loan journal
    assert (tree / "etc/kiosk/kiosk.toml").exists() and user_line(tree, "kiosk")
    settled = snapshot(tree)
    second = run(tree, "--uninstall")
    assert lines(second, "changed") == [] and snapshot(tree) == settled


def test_console_blank_already_set_by_the_library_stays_after_uninstall(tree: Path):
    (tree / "boot/firmware/cmdline.txt").write_text(CMDLINE.strip() + " consoleblank=0\n")
    install = run(tree)
    assert any("has consoleblank=0" in line for line in lines(install, "unchanged"))
    run(tree, "--uninstall")
    assert "consoleblank=0" in (tree / "boot/firmware/cmdline.txt").read_text()


def test_kms_overlay_already_present_is_left_alone(tree: Path):
    (tree / "boot/firmware/config.txt").write_text(CONFIG_TXT + "dtoverlay=vc4-kms-v3d\nmax_framebuffers=2\n")
    before = (tree / "boot/firmware/config.txt").read_text()
    run(tree)
    assert (tree / "boot/firmware/config.txt").read_text() == before


def test_bad_option_is_refused_with_a_message(tree: Path):
    done = subprocess.run(
        ["bash", str(INSTALL), "--root", str(tree), "--units", "kiosk,printer"],
        capture_output=True, text=True, timeout=30,
    )
    assert done.returncode != 0 and "unknown service 'printer'" in done.stderr
    assert not (tree / "etc/kiosk").exists()  # refused before touching anything


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_shellcheck_clean():
    done = subprocess.run(["shellcheck", str(INSTALL)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout


@pytest.mark.skipif(Path("/etc/kiosk").exists(), reason="a kiosk is installed on this machine")
def test_dry_run_on_this_machine_checks_everything_and_touches_nothing():
    """The real-system branch (dpkg, systemctl, the venv) in its read-only form."""
    watched = [Path(p) for p in ("/etc/kiosk", "/opt/kiosk", "/etc/systemd/system/kiosk.service",
                                 "/etc/udev/rules.d/99-kiosk.rules")]
    done = subprocess.run(["bash", str(INSTALL), "--dry-run"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Debian packages" in done.stdout and "would: kiosk.service enabled" in done.stdout
    assert "nothing was changed" in done.stdout
    assert [p for p in watched if p.exists()] == []
