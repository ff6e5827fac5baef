"""Operating-system limits for query worker processes (Linux).

pyoxigraph's SPARQL engine contains an HTTP client: `SERVICE <http://...>` makes a real
request, and the Python binding offers no switch to turn that off. The endpoint refuses
SERVICE before evaluation, but a guard that reads query text can in principle be
fooled, so the processes that evaluate queries are also made unable to reach the network
or the file system at all: a seccomp filter makes socket(2), connect(2) and friends, the
exec family and every open(2) variant fail with EPERM. The worker needs none of them:
it inherits the loaded store and its one connected socket from the process that forks
it. The filter cannot be lifted by the process itself (no_new_privs), and it is
inherited by anything the worker might start.

Everything here is best effort by design: on a system without seccomp the functions
return False and the caller reports that the workers are not sandboxed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import resource
import signal
import sys

_PR_SET_PDEATHSIG = 1
_PR_SET_SECCOMP = 22
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | 1
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06

# (audit arch, {syscall name: number}) per machine; x86_64 numbers >= 0x40000000 are the
# x32 ABI, refused wholesale.
_ARCHES = {
    "x86_64": (0xC000003E, {
        "open": 2, "creat": 85, "openat": 257, "openat2": 437, "open_by_handle_at": 304,
        "socket": 41, "connect": 42, "accept": 43, "sendto": 44, "sendmsg": 46, "bind": 49,
        "listen": 50, "socketpair": 53, "accept4": 288, "sendmmsg": 307,
        "execve": 59, "execveat": 322, "io_uring_setup": 425, "ptrace": 101,
        "process_vm_readv": 310, "process_vm_writev": 311,
    }),
    "aarch64": (0xC00000B7, {
        "openat": 56, "openat2": 437, "open_by_handle_at": 265,
        "socket": 198, "socketpair": 199, "bind": 200, "listen": 201, "accept": 202,
        "connect": 203, "sendto": 206, "sendmsg": 211, "accept4": 242, "sendmmsg": 269,
        "execve": 221, "execveat": 281, "io_uring_setup": 425, "ptrace": 117,
        "process_vm_readv": 270, "process_vm_writev": 271,
    }),
}


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc()


def _program(machine: str) -> list[tuple[int, int, int, int]] | None:
    if machine not in _ARCHES:
        return None
    arch, numbers = _ARCHES[machine]
    prog = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, _RET_EPERM),  # another ABI (i386 on x86_64): refuse everything
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if machine == "x86_64":
        prog += [(_JGE_K, 0, 1, 0x40000000), (_RET_K, 0, 0, _RET_EPERM)]
    for nr in sorted(set(numbers.values())):
        prog += [(_JEQ_K, 0, 1, nr), (_RET_K, 0, 0, _RET_EPERM)]
    prog.append((_RET_K, 0, 0, _RET_ALLOW))
    return prog


def deny_network_files_exec() -> bool:
    """Install the filter in this process; True when it is in force."""
    prog = _program(platform.machine())
    if _LIBC is None or prog is None:
        return False
    filters = (_SockFilter * len(prog))(*[_SockFilter(*ins) for ins in prog])
    fprog = _SockFprog(len(prog), filters)
    if _LIBC.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return _LIBC.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies, so that no query worker
    outlives a server that was killed without a chance to clean up."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def limit_memory(megabytes: int) -> None:
    """Cap the address space this process may add, so one query cannot exhaust the host.
    The limit counts from the current size, which already holds the inherited store."""
    if megabytes <= 0:
        return
    try:
        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    limit = current + megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
