#!/usr/bin/env python3
"""Times commands in turn, round after round (a shuffled order each round), and prints each
one's median wall time and CPU time (user + system, from the kernel's accounting).

On a shared machine the load drifts over minutes, so timing one command's runs and then the
other's (as hyperfine does) can put most of the drift into the difference; taken in turn, both
meet the same load. Standard library only.

    python3 benches/interleaved.py ROUNDS 'LABEL::COMMAND ARGS' ['LABEL::COMMAND ARGS' ...]

Each command's output goes to /dev/null; the first three rounds are a warm-up.
"""

import os
import random
import shlex
import statistics
import sys
import time

WARMUP = 3


def main() -> None:
    rounds = int(sys.argv[1])
    commands = []
    for spec in sys.argv[2:]:
        label, command = spec.split("::", 1)
        commands.append((label, shlex.split(command)))
    null = os.open(os.devnull, os.O_WRONLY)
    wall = {label: [] for label, _ in commands}
    cpu = {label: [] for label, _ in commands}
    for r in range(WARMUP + rounds):
        order = list(commands)
        random.shuffle(order)
        for label, argv in order:
            start = time.perf_counter_ns()
            pid = os.posix_spawnp(
                argv[0],
                argv,
                os.environ,
                file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)],
            )
            _, status, usage = os.wait4(pid, 0)
            elapsed = (time.perf_counter_ns() - start) / 1e6
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"{label} failed: {' '.join(argv)}")
            if r >= WARMUP:
                wall[label].append(elapsed)
                cpu[label].append((usage.ru_utime + usage.ru_stime) * 1000)
    first = None
    for label, _ in commands:
        median = statistics.median(wall[label])
        first = first or median
        print(
            f"{label}: median {median:.2f} ms, CPU {statistics.median(cpu[label]):.2f} ms "
            f"({rounds} runs in turn; {median / first:.3f} of the first)"
        )


if __name__ == "__main__":
    main()
