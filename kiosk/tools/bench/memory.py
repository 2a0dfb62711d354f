"""Where a bench process's memory is: RSS, resident MB per mapping (/proc/<pid>/smaps),
the part that is the software GL stack (a Pi loads neither libLLVM nor swrast), and a probe
of what the growth is made of (gc garbage, freed C heap kept by malloc, Kivy's caches)."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

# mappings a Raspberry Pi does not have: the software rasteriser and its LLVM JIT
GL_MAPPINGS = ("libLLVM", "swrast", "dri_gbm", "libgallium", "_dri.so", "libglapi")


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise OSError(f"no VmRSS for {pid}")


def parse_smaps(lines: Iterable[str]) -> dict[str, float]:
    """Resident MB per mapping name from smaps text: shared libraries by file name,
    "[heap]", "anon"."""
    sizes: dict[str, float] = {}
    name = "anon"
    for line in lines:
        head = line.split()
        if not head:
            continue
        if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
            name = head[5].rsplit("/", 1)[-1] if len(head) > 5 else "anon"
        elif head[0] == "Rss:":
            sizes[name] = sizes.get(name, 0.0) + int(head[1]) / 1024
    return sizes


def _smaps_sizes(pid: int | str = "self") -> dict[str, float]:
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as f:
        return parse_smaps(f)


def gl_mb(sizes: dict[str, float]) -> float:
    """The libLLVM* and Mesa software-GL (swrast/DRI) part of parse_smaps's sizes."""
    return sum(mb for name, mb in sizes.items() if any(part in name for part in GL_MAPPINGS))


def rss_by_mapping(top: int = 8, pid: int | str = "self") -> dict[str, float]:
    """The biggest `top` mappings by resident MB (anon: malloc arenas, JIT code, textures
    of a software GL)."""
    ranked = sorted(_smaps_sizes(pid).items(), key=lambda kv: -kv[1])[:top]
    return {k: round(v, 1) for k, v in ranked}


def gl_rss_mb(pid: int | str = "self") -> float:
    """Resident MB of the libLLVM* and Mesa software-GL (swrast/DRI) mappings."""
    return gl_mb(_smaps_sizes(pid))


def memory_probe() -> dict[str, Any]:
    """What the growth is made of: cyclic garbage (gc), memory the C allocator keeps
    (malloc_trim), Kivy's caches. Runs after the RSS figure has been taken."""
    from kiosk.system.memory import libc_trim

    out: dict[str, Any] = {"gc_objects": len(gc.get_objects())}
    gc.collect()
    out["rss_mb_after_gc"] = rss_mb()
    trim = libc_trim()
    if trim is not None:
        trim()
        out["rss_mb_after_malloc_trim"] = rss_mb()
    try:
        from kivy.cache import Cache

        out["kivy_cache"] = {k: len(v) for k, v in Cache._objects.items() if v}
    except Exception:  # noqa: BLE001 - a private detail of Kivy; nice to have
        pass
    return out
