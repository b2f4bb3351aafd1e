#!/usr/bin/env python3
"""Where the app's time goes, from a dotnet-trace speedscope file (bench/run.sh BENCH_TRACE=1).

The sampled-thread-time profile ends every stack in CPU_TIME (running managed code) or UNMANAGED_CODE_TIME (in native
code: a system call that waits, or real work such as crypto or a socket write). Only CPU_TIME samples are counted, so
idle threads drop out; the native work they leave out is reported as a share of its own. Prints the frames with the
most inclusive time as a share of the counted samples, and the frames most often on top (just under CPU_TIME).
Frame names are shortened to Namespace.Type.Method.
"""
import json
import re
import sys
from collections import Counter

IDLE = re.compile(r"LowLevelLifoSemaphore|WaitHandle\.Wait|Monitor\.Wait|SocketAsyncEngine\.EventLoop|"
                  r"TimerQueue\.TimerThread|WaitForSignal|Thread\.Sleep|ManualResetEventSlim\.Wait|"
                  r"SemaphoreSlim\.Wait\b|PortableThreadPool\.GateThread|LowLevelLifoAsyncTimeoutSemaphore|"
                  r"Task\.SpinThenBlockingWait|Interop\+Sys\.WaitForSocketEvents|ReadAsync\(|NamedPipe|EventPipe")


def short(name: str) -> str:
    name = re.sub(r"\(.*", "", name)
    name = re.sub(r"\[[^\]]*\]", "", name)
    return name.split("!")[-1]


def main(path: str, top: int = 45) -> None:
    data = json.load(open(path))
    frames = [short(f["name"]) for f in data["shared"]["frames"]]
    inclusive, exclusive = Counter(), Counter()
    busy = native = spinning = 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile.get("events", []):
            at = event["at"]
            if last is not None and stack:
                dt = at - last
                names = [frames[i] for i in stack]
                if names[-1] == "UNMANAGED_CODE_TIME" and not any(IDLE.search(n) for n in names[-8:]):
                    native += dt
                if names[-1] == "CPU_TIME" and any("LowLevelLifoSemaphore" in n for n in names[-4:]):
                    spinning += dt
                elif names[-1] == "CPU_TIME":
                    busy += dt
                    for n in set(names):
                        inclusive[n] += dt
                    exclusive[names[-2] if len(names) > 1 else names[-1]] += dt
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    if busy == 0:
        print("no busy samples")
        return
    print(f"managed CPU samples: {busy:.0f} ms; idle thread-pool workers spinning: {spinning:.0f} ms; "
          f"native, not obviously waiting: {native:.0f} ms (all threads)")
    print("inclusive:")
    for name, t in inclusive.most_common(top):
        if "PazPaz" in name or t / busy > 0.08:
            print(f"  {100 * t / busy:5.1f} %  {name}")
    print("exclusive:")
    for name, t in exclusive.most_common(20):
        print(f"  {100 * t / busy:5.1f} %  {name}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 45)
