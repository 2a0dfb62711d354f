#!/usr/bin/env bash
# Install, update or remove the library kiosk on Raspberry Pi OS Lite (Bookworm, 64-bit),
# Raspberry Pi 4 or 5. Run it from the project folder:
#
#   sudo ./systemd/install.sh                 install or update (safe to run again)
#   sudo ./systemd/install.sh --dry-run       only show what would be done
#   sudo ./systemd/install.sh --uninstall     remove the program (keeps settings and data)
#
# Every step checks first and prints one line: "changed: ...", "unchanged: ...",
# "skipped: ..." or, with --dry-run, "would: ...". A second run prints no "changed:".
#
# Options
#   --units LIST         which services to enable, comma separated: kiosk, callpoint,
#                        staff-console (default: kiosk)
#   --password-file F    take the IRBIS password from file F (first install only)
#   --root DIR           install into the directory tree DIR instead of / (tests, images):
#                        Debian packages, the Python venv, daemon-reload and udev reload are
#                        skipped; users are written with useradd --prefix DIR
#   --dry-run            print every action instead of doing it
#   --uninstall          disable and remove what this script installed; keeps
#                        /etc/kiosk (settings, password), /var/lib/kiosk (loan journal)
#                        and the kiosk user
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=/
DRY_RUN=0
UNINSTALL=0
UNITS=kiosk
PASSWORD_SOURCE=
KIOSK_USER=kiosk
KIOSK_GROUPS=(video render input gpio audio lp)
PLACEHOLDER_PASSWORD=CHANGE-ME
APT_PACKAGES=(
    python3 python3-venv python3-dev build-essential linux-libc-dev
    libgl1 libegl1 libgles2 libgl1-mesa-dri libmtdev1 libusb-1.0-0
    espeak-ng alsa-utils sox fonts-dejavu-core polkitd
)
ALL_UNITS=(kiosk.service kiosk-callpoint.service kiosk-staff-console.service
    kiosk-nightly-restart.service kiosk-nightly-restart.timer)
CMDLINE_TOKENS=(consoleblank=0)
CONFIG_BEGIN="# >>> kiosk: managed by systemd/install.sh (do not edit this block)"
CONFIG_END="# <<< kiosk"

CHANGED=0
PLANNED=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

while (($#)); do
    case $1 in
        --root) ROOT=${2:?--root needs a directory}; shift ;;
        --root=*) ROOT=${1#*=} ;;
        --dry-run) DRY_RUN=1 ;;
        --uninstall) UNINSTALL=1 ;;
        --units) UNITS=${2:?--units needs a list}; shift ;;
        --units=*) UNITS=${1#*=} ;;
        --password-file) PASSWORD_SOURCE=${2:?--password-file needs a file}; shift ;;
        --password-file=*) PASSWORD_SOURCE=${1#*=} ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift
done

[[ -d $ROOT ]] || die "--root $ROOT: no such directory"
ROOT=$(cd "$ROOT" && pwd)
[[ $ROOT == / ]] && P="" || P=$ROOT   # prefix for every path we touch
REAL_SYSTEM=0
[[ $ROOT == / ]] && REAL_SYSTEM=1

if ((REAL_SYSTEM && ! DRY_RUN)) && [[ $(id -u) != 0 ]]; then
    die "run it as root: sudo $0 $*"
fi

SELECTED_UNITS=()
IFS=',' read -r -a _units <<<"$UNITS"
for u in "${_units[@]}"; do
    case $u in
        kiosk) SELECTED_UNITS+=(kiosk.service kiosk-nightly-restart.timer) ;;
        callpoint) SELECTED_UNITS+=(kiosk-callpoint.service) ;;
        staff-console) SELECTED_UNITS+=(kiosk-staff-console.service) ;;
        "") ;;
        *) die "--units: unknown service '$u' (use kiosk, callpoint, staff-console)" ;;
    esac
done

# ---- reporting -------------------------------------------------------------------------
changed() { CHANGED=$((CHANGED + 1)); printf 'changed: %s\n' "$*"; }
unchanged() { printf 'unchanged: %s\n' "$*"; }
skipped() { printf 'skipped: %s\n' "$*"; }
note() { printf 'note: %s\n' "$*"; }

# act DESCRIPTION COMMAND...: run the command (or only say it, with --dry-run)
act() {
    local what=$1
    shift
    if ((DRY_RUN)); then
        PLANNED=$((PLANNED + 1))
        printf 'would: %s\n' "$what"
        return 0
    fi
    "$@"
    changed "$what"
}

# ---- users and groups (read from the tree's own /etc files) ------------------------------
user_exists() { [[ -f $P/etc/passwd ]] && grep -q "^$1:" "$P/etc/passwd"; }
group_exists() { [[ -f $P/etc/group ]] && grep -q "^$1:" "$P/etc/group"; }
uid_of() { awk -F: -v u="$1" '$1 == u { print $3 }' "$P/etc/passwd"; }
gid_of() { awk -F: -v g="$1" '$1 == g { print $3 }' "$P/etc/group"; }
# supplementary groups of a user, sorted, comma separated
groups_of() {
    awk -F: -v u="$1" '{ n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) print $1 }' \
        "$P/etc/group" | sort | paste -sd, -
}
prefix_args() { ((REAL_SYSTEM)) || printf '%s\n' --prefix "$ROOT"; }

# "uid:gid" to chown to, or "" when ownership is not managed: the user is not (yet) in
# this tree, or we are not root while filling a --root tree
owner_ids() {
    local user=$1 group=$2
    if ((!REAL_SYSTEM)) && [[ $(id -u) != 0 ]]; then return 0; fi
    local uid=0 gid=0
    if [[ $user != root ]]; then
        user_exists "$user" || return 0
        uid=$(uid_of "$user")
    fi
    if [[ $group != root ]]; then
        group_exists "$group" || return 0
        gid=$(gid_of "$group")
    fi
    printf '%s:%s' "$uid" "$gid"
}

# ---- files -------------------------------------------------------------------------------
# "MODE" or "MODE UID:GID" as stat shows it, to compare with what we want
state_of() { # PATH OWNER
    if [[ -n $2 ]]; then stat -c '%a %u:%g' "$1"; else stat -c '%a' "$1"; fi
}
wanted() { # MODE OWNER
    if [[ -n $2 ]]; then printf '%s %s' "$1" "$2"; else printf '%s' "$1"; fi
}

fix_mode() { chmod "$2" "$1"; [[ -z $3 ]] || chown "$3" "$1"; }

do_install_file() { # SRC DEST MODE OWNER
    local tmp
    mkdir -p "$(dirname "$2")"
    tmp=$(mktemp "$2.kiosk-new.XXXXXX")
    cat "$1" >"$tmp"
    fix_mode "$tmp" "$3" "$4"
    mv -f "$tmp" "$2"
}

# install_file SRC DEST MODE [USER:GROUP]: content, mode and owner (default root) as given
install_file() {
    local src=$1 dest=$P$2 mode=$3 spec=${4:-root:root} owner
    owner=$(owner_ids "${spec%%:*}" "${spec##*:}")
    if [[ -f $dest ]] && cmp -s "$src" "$dest"; then
        if [[ $(state_of "$dest" "$owner") == "$(wanted "$mode" "$owner")" ]]; then
            unchanged "$2"
        else
            act "$2: mode $mode, owner $spec" fix_mode "$dest" "$mode" "$owner"
        fi
        return 0
    fi
    act "$2 (installed, mode $mode)" do_install_file "$src" "$dest" "$mode" "$owner"
}

make_dir() { mkdir -p "$1"; fix_mode "$1" "$2" "$3"; }

ensure_dir() { # DIR MODE [USER:GROUP]
    local dir=$P$1 mode=$2 spec=${3:-root:root} owner
    owner=$(owner_ids "${spec%%:*}" "${spec##*:}")
    if [[ ! -d $dir ]]; then
        act "$1/ (created, mode $mode)" make_dir "$dir" "$mode" "$owner"
    elif [[ $(state_of "$dir" "$owner") == "$(wanted "$mode" "$owner")" ]]; then
        unchanged "$1/"
    else
        act "$1/: mode $mode, owner $spec" fix_mode "$dir" "$mode" "$owner"
    fi
}

remove_path() { # PATH (relative to the tree)
    if [[ -e $P$1 || -L $P$1 ]]; then
        act "$1 removed" rm -rf -- "$P$1"
    else
        unchanged "$1 (not there)"
    fi
}

# ---- steps -------------------------------------------------------------------------------
check_platform() {
    local os="" arch
    # shellcheck source=/dev/null
    [[ -f $P/etc/os-release ]] && os=$(. "$P/etc/os-release" && echo "${VERSION_CODENAME:-}")
    arch=$(uname -m)
    if ((REAL_SYSTEM)); then
        [[ $os == bookworm ]] || note "made for Raspberry Pi OS Bookworm; this is '${os:-unknown}'"
        [[ $arch == aarch64 ]] || note "made for 64-bit Raspberry Pi OS; this machine is $arch"
    fi
    if [[ -r $P/proc/device-tree/model ]]; then
        note "board: $(tr -d '\0' <"$P/proc/device-tree/model")"
    fi
}

step_packages() {
    if ((!REAL_SYSTEM)); then
        skipped "Debian packages (--root): ${APT_PACKAGES[*]}"
        return 0
    fi
    local missing=() p
    for p in "${APT_PACKAGES[@]}"; do
        [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        unchanged "Debian packages (${#APT_PACKAGES[@]} installed)"
        return 0
    fi
    act "Debian packages installed: ${missing[*]}" apt_install "${missing[@]}"
}

apt_install() {
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

step_user() {
    if [[ ! -f $P/etc/passwd || ! -f $P/etc/group ]]; then
        skipped "user $KIOSK_USER: no $P/etc/passwd in this tree"
        return 0
    fi
    local want=() g missing=()
    for g in "${KIOSK_GROUPS[@]}"; do
        if group_exists "$g"; then want+=("$g"); else missing+=("$g"); fi
    done
    ((${#missing[@]} == 0)) || note "groups not on this system (skipped): ${missing[*]}"
    local want_list
    want_list=$(printf '%s\n' "${want[@]}" | sort | paste -sd, -)
    local -a prefix
    mapfile -t prefix < <(prefix_args)
    if ! user_exists "$KIOSK_USER"; then
        act "user $KIOSK_USER created (groups $want_list)" useradd "${prefix[@]}" --system \
            --home-dir /var/lib/kiosk --no-create-home --shell /usr/sbin/nologin \
            --user-group --groups "$want_list" "$KIOSK_USER"
        return 0
    fi
    if [[ $(groups_of "$KIOSK_USER") == "$want_list" ]]; then
        unchanged "user $KIOSK_USER (groups $want_list)"
    else
        act "user $KIOSK_USER: groups set to exactly $want_list (were $(groups_of "$KIOSK_USER"))" \
            usermod "${prefix[@]}" -G "$want_list" "$KIOSK_USER"
    fi
}

source_hash() {
    (cd "$SRC" && find kiosk hardware pyproject.toml -type f ! -name '*.pyc' \
        ! -path '*/__pycache__/*' 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum |
        cut -c1-64)
}

step_venv() {
    local venv=/opt/kiosk/.venv
    if ((!REAL_SYSTEM)); then
        skipped "Python venv $venv with the kiosk installed (--root)"
        return 0
    fi
    if [[ -x $venv/bin/python ]]; then
        unchanged "$venv/"
    else
        act "$venv/ created" python3 -m venv "$venv"
    fi
    local stamp=$venv/.kiosk-source-sha256 want
    want=$(source_hash)
    if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
        unchanged "kiosk program in $venv (same source)"
        return 0
    fi
    act "kiosk program installed into $venv from $SRC" venv_install "$venv" "$want"
}

venv_install() {
    "$1/bin/python" -m pip install -q --upgrade pip
    "$1/bin/python" -m pip install -q --upgrade "${SRC}[pi]"
    "$1/bin/python" -m compileall -q "$1/lib" >/dev/null || true
    printf '%s\n' "$2" >"$1/.kiosk-source-sha256"
}

step_files() {
    ensure_dir /opt/kiosk 755
    install_file "$SRC/README.md" /opt/kiosk/README.md 644
    ensure_dir /etc/kiosk 755
    ensure_dir /var/lib/kiosk 750 "$KIOSK_USER:$KIOSK_USER"
    install_file "$SRC/systemd/kiosk.example.toml" /etc/kiosk/kiosk.example.toml 644
    if [[ -f $P/etc/kiosk/kiosk.toml ]]; then
        unchanged "/etc/kiosk/kiosk.toml (yours, never overwritten; compare with kiosk.example.toml)"
    else
        install_file "$SRC/systemd/kiosk.example.toml" /etc/kiosk/kiosk.toml 640 "root:$KIOSK_USER"
    fi
    step_password
}

step_password() {
    local dest=/etc/kiosk/irbis.password owner
    owner=$(owner_ids "$KIOSK_USER" "$KIOSK_USER")
    if [[ -f $P$dest ]]; then
        if [[ $(state_of "$P$dest" "$owner") == "$(wanted 600 "$owner")" ]]; then
            unchanged "$dest (mode 600, content kept)"
        else
            act "$dest: mode 600, owner $KIOSK_USER (content kept)" fix_mode "$P$dest" 600 "$owner"
        fi
        if grep -qx "$PLACEHOLDER_PASSWORD" "$P$dest" 2>/dev/null; then
            note "$dest still holds the placeholder: put the real IRBIS password in it"
        fi
        return 0
    fi
    if ((DRY_RUN)); then
        act "$dest created (mode 600, owner $KIOSK_USER)" true
        return 0
    fi
    local tmp
    tmp=$(mktemp)
    chmod 600 "$tmp"
    if [[ -n $PASSWORD_SOURCE ]]; then
        head -n1 "$PASSWORD_SOURCE" >"$tmp"
    elif [[ -t 0 ]]; then
        local pw=""
        read -r -s -p "IRBIS password for the kiosk (Enter = fill in later): " pw || true
        echo
        printf '%s\n' "${pw:-$PLACEHOLDER_PASSWORD}" >"$tmp"
    else
        printf '%s\n' "$PLACEHOLDER_PASSWORD" >"$tmp"
    fi
    act "$dest created (mode 600, owner $KIOSK_USER)" do_install_file "$tmp" "$P$dest" 600 "$owner"
    rm -f "$tmp"
    grep -qx "$PLACEHOLDER_PASSWORD" "$P$dest" &&
        note "$dest holds a placeholder: sudo nano $dest and type the IRBIS password"
    return 0
}

UNITS_CHANGED=0
step_units() {
    local u before
    for u in "${ALL_UNITS[@]}"; do
        before=$CHANGED
        install_file "$SRC/systemd/$u" "/etc/systemd/system/$u" 644
        ((CHANGED == before)) || UNITS_CHANGED=1
    done
    before=$CHANGED
    install_file "$SRC/systemd/99-kiosk.rules" /etc/udev/rules.d/99-kiosk.rules 644
    if ((CHANGED > before && REAL_SYSTEM && !DRY_RUN)); then
        if udevadm control --reload; then
            udevadm trigger --subsystem-match=input --subsystem-match=usb || true
        fi
    fi
    write_polkit_rule
    write_journald_conf
    write_logind_conf
    if [[ $(unit_state ctrl-alt-del.target) == masked ]]; then
        unchanged "ctrl-alt-del.target masked"
    else
        act "ctrl-alt-del.target masked (a keyboard cannot reboot the kiosk)" \
            systemctl_tree mask ctrl-alt-del.target
    fi
    if ((UNITS_CHANGED && REAL_SYSTEM && !DRY_RUN)); then
        systemctl daemon-reload
    fi
    for u in "${SELECTED_UNITS[@]}"; do
        if [[ $(unit_state "$u") == enabled ]]; then
            unchanged "$u enabled"
        else
            act "$u enabled (starts at boot)" systemctl_tree enable "$u"
        fi
    done
}

systemctl_tree() {
    if ((REAL_SYSTEM)); then systemctl --quiet "$@"; else systemctl --quiet --root="$ROOT" "$@"; fi
}

unit_state() {
    if ((REAL_SYSTEM)); then
        systemctl is-enabled "$1" 2>/dev/null || true
    else
        systemctl --root="$ROOT" is-enabled "$1" 2>/dev/null || true
    fi
}

write_from_stdin() { # DEST MODE (content on stdin)
    local tmp
    tmp=$(mktemp)
    cat >"$tmp"
    install_file "$tmp" "$1" "$2"
    rm -f "$tmp"
}

write_polkit_rule() {
    # lets the kiosk user (and only it) power off or reboot from the maintenance screen
    write_from_stdin /etc/polkit-1/rules.d/50-kiosk.rules 644 <<EOF
// Installed by the library kiosk's systemd/install.sh: the maintenance screen may shut
// down or restart this Raspberry Pi. Nothing else.
polkit.addRule(function (action, subject) {
    if (subject.user === "$KIOSK_USER" &&
        (action.id === "org.freedesktop.login1.power-off" ||
         action.id === "org.freedesktop.login1.power-off-multiple-sessions" ||
         action.id === "org.freedesktop.login1.reboot" ||
         action.id === "org.freedesktop.login1.reboot-multiple-sessions")) {
        return polkit.Result.YES;
    }
});
EOF
}

write_journald_conf() {
    # keep logs across reboots (to see what happened overnight) but never fill the SD card
    write_from_stdin /etc/systemd/journald.conf.d/50-kiosk.conf 644 <<EOF
# Installed by the library kiosk's systemd/install.sh
[Journal]
Storage=persistent
SystemMaxUse=100M
EOF
}

write_logind_conf() {
    # no spare text consoles: Ctrl+Alt+F2 on a keyboard plugged into the kiosk leads nowhere
    write_from_stdin /etc/systemd/logind.conf.d/50-kiosk.conf 644 <<EOF
# Installed by the library kiosk's systemd/install.sh
[Login]
NAutoVTs=0
ReserveVT=0
EOF
}

boot_dir() {
    if [[ -f $P/boot/firmware/cmdline.txt ]]; then
        echo /boot/firmware
    elif [[ -f $P/boot/cmdline.txt ]]; then
        echo /boot
    fi
}

BOOT_STATE=/etc/kiosk/.install-boot-options   # the cmdline tokens this script added

step_boot() {
    local boot
    boot=$(boot_dir)
    if [[ -z $boot ]]; then
        skipped "console blanking and display settings: no cmdline.txt (not a Raspberry Pi boot partition)"
        return 0
    fi
    local cmdline=$boot/cmdline.txt token line
    line=$(head -n1 "$P$cmdline")
    for token in "${CMDLINE_TOKENS[@]}"; do
        if [[ " $line " == *" $token "* ]]; then
            unchanged "$cmdline has $token"
        else
            line="$line $token"
            act "$cmdline: $token added (screen never blanks)" add_cmdline_token "$P$cmdline" "$token"
        fi
    done
    local config=$boot/config.txt
    if [[ ! -f $P$config ]]; then
        skipped "$config not found"
    elif grep -Eq '^[[:space:]]*dtoverlay=vc4-kms-v3d' "$P$config"; then
        unchanged "$config uses the KMS display driver (vc4-kms-v3d)"
    else
        act "$config: KMS display driver (dtoverlay=vc4-kms-v3d) added" add_config_block "$P$config"
    fi
}

add_cmdline_token() {
    local tmp
    tmp=$(mktemp)
    { printf '%s %s\n' "$(head -n1 "$1")" "$2"; tail -n +2 "$1"; } >"$tmp"
    cat "$tmp" >"$1" # keep the file's owner and mode (FAT partition)
    rm -f "$tmp"
    mkdir -p "$(dirname "$P$BOOT_STATE")"
    printf '%s\n' "$2" >>"$P$BOOT_STATE"
}

add_config_block() {
    printf '\n%s\n[all]\ndtoverlay=vc4-kms-v3d\n%s\n' "$CONFIG_BEGIN" "$CONFIG_END" >>"$1"
}

undo_boot() {
    local boot
    boot=$(boot_dir)
    [[ -n $boot ]] || return 0
    local cmdline=$boot/cmdline.txt config=$boot/config.txt token
    if [[ -f $P$BOOT_STATE ]]; then
        while read -r token; do
            [[ -n $token ]] || continue
            if [[ " $(head -n1 "$P$cmdline") " == *" $token "* ]]; then
                act "$cmdline: $token removed" remove_cmdline_token "$P$cmdline" "$token"
            fi
        done <"$P$BOOT_STATE"
        act "$BOOT_STATE removed" rm -f "$P$BOOT_STATE"
    else
        unchanged "$cmdline (nothing of ours)"
    fi
    if [[ -f $P$config ]] && grep -qF "$CONFIG_BEGIN" "$P$config"; then
        act "$config: kiosk block removed" remove_config_block "$P$config"
    else
        unchanged "$config (nothing of ours)"
    fi
}

remove_cmdline_token() {
    local tmp first
    tmp=$(mktemp)
    first=$(head -n1 "$1" | tr ' ' '\n' | grep -vxF "$2" | paste -sd' ' -)
    { printf '%s\n' "$first"; tail -n +2 "$1"; } >"$tmp"
    cat "$tmp" >"$1"
    rm -f "$tmp"
}

remove_config_block() {
    local tmp
    tmp=$(mktemp)
    # drop our block and the blank line we put before it
    awk -v b="$CONFIG_BEGIN" -v e="$CONFIG_END" '
        { line[NR] = $0 }
        END {
            for (i = 1; i <= NR; i++) {
                if (line[i] == b) { skip = 1; continue }
                if (skip) { if (line[i] == e) skip = 0; continue }
                if (line[i] == "" && line[i + 1] == b) continue
                print line[i]
            }
        }' "$1" >"$tmp"
    cat "$tmp" >"$1"
    rm -f "$tmp"
}

try_restart() {
    ((REAL_SYSTEM && !DRY_RUN && CHANGED > 0)) || return 0
    local u
    for u in "${SELECTED_UNITS[@]}"; do
        if systemctl --quiet is-active "$u"; then
            systemctl try-restart "$u" && note "$u restarted with the new version"
        fi
    done
}

# the settings as the kiosk will read them: every problem with its fix (changes nothing)
check_settings() {
    local kiosk=/opt/kiosk/.venv/bin/kiosk
    ((REAL_SYSTEM && !DRY_RUN)) && [[ -x $kiosk ]] || return 0
    echo "Checking /etc/kiosk/kiosk.toml as the kiosk user:"
    if ! runuser -u "$KIOSK_USER" -- "$kiosk" config-check --config /etc/kiosk/kiosk.toml; then
        note "fix the settings named above (sudo nano /etc/kiosk/kiosk.toml), then: sudo systemctl restart kiosk"
    fi
}

install_all() {
    echo "Installing the library kiosk into ${ROOT} from $SRC"
    check_platform
    step_packages
    step_user
    step_files
    step_venv
    step_units
    step_boot
    try_restart
    check_settings
}

uninstall_all() {
    echo "Removing the library kiosk from ${ROOT}"
    local u
    for u in "${ALL_UNITS[@]}"; do
        if [[ $(unit_state "$u") == enabled ]]; then
            if ((REAL_SYSTEM)); then
                act "$u stopped and disabled" systemctl --quiet disable --now "$u"
            else
                act "$u disabled" systemctl_tree disable "$u"
            fi
        fi
        remove_path "/etc/systemd/system/$u"
    done
    remove_path /etc/udev/rules.d/99-kiosk.rules
    remove_path /etc/polkit-1/rules.d/50-kiosk.rules
    remove_path /etc/systemd/journald.conf.d/50-kiosk.conf
    remove_path /etc/systemd/logind.conf.d/50-kiosk.conf
    if [[ $(unit_state ctrl-alt-del.target) == masked ]]; then
        act "ctrl-alt-del.target unmasked" systemctl_tree unmask ctrl-alt-del.target
    fi
    remove_path /opt/kiosk
    undo_boot
    if ((REAL_SYSTEM && !DRY_RUN && CHANGED > 0)); then
        systemctl daemon-reload
    fi
    note "kept: /etc/kiosk (settings, password), /var/lib/kiosk (loan journal), user $KIOSK_USER"
    note "to remove those too: sudo rm -r /etc/kiosk /var/lib/kiosk && sudo userdel $KIOSK_USER"
}

if ((UNINSTALL)); then uninstall_all; else install_all; fi

if ((DRY_RUN)); then
    echo "dry run: $PLANNED action(s) would run; nothing was changed"
elif ((CHANGED == 0)); then
    echo "done: nothing changed"
else
    echo "done: $CHANGED change(s)"
    if ((!UNINSTALL)); then
        echo "next: check /etc/kiosk/kiosk.toml and /etc/kiosk/irbis.password, then: sudo reboot"
    fi
fi
