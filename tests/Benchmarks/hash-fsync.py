#!/usr/bin/env python3
"""What curl's files would cost with Save's two promises: SHA-256 of every file and an fsync of every file.

Usage: hash-fsync.py FOLDER [THREADS]   (every file under FOLDER, sub-folders included)

Run right after curl wrote FOLDER (Invoke-Benchmarks.ps1, the download phases): each file is read back (page
cache), hashed with hashlib (OpenSSL: SHA-NI where the CPU has it, like .NET's IncrementalHash), and fsynced, by
THREADS workers (Save's default ThrottleLimit: Save overlaps its fsyncs the same way). hashlib and os.fsync release
the GIL, so the threads really overlap. Prints one JSON line:
  files, bytes, seconds (wall), cpuSeconds (this process, user + system),
  hashCpuSeconds (CPU spent inside sha256.update only: the cost Save pays too; the read-back is curl's extra),
  fsyncCpuSeconds (CPU of the calling threads inside fsync: kernel writeback work charged to them).
"""
import concurrent.futures
import hashlib
import json
import os
import resource
import sys
import time

CHUNK = 1 << 20
# fsync works on a read-only descriptor on Linux and macOS; Windows' FlushFileBuffers needs write access.
OPEN_FLAGS = (os.O_RDWR | os.O_BINARY) if os.name == "nt" else os.O_RDONLY


def one(path):
    h = hashlib.sha256()
    hash_cpu = 0.0
    fd = os.open(path, OPEN_FLAGS)
    try:
        while True:
            b = os.read(fd, CHUNK)
            if not b:
                break
            t = time.thread_time()
            h.update(b)
            hash_cpu += time.thread_time() - t
        t = time.thread_time()
        os.fsync(fd)  # the file's dirty pages, its inode, and the device cache
        fsync_cpu = time.thread_time() - t
    finally:
        os.close(fd)
    return os.path.getsize(path), hash_cpu, fsync_cpu, h.hexdigest()


def main():
    folder = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    # Every file under FOLDER (curl writes a flat folder; unzip of a Takeout writes a tree).
    paths = sorted(os.path.join(d, n) for d, _, names in os.walk(folder) for n in names)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, paths))
    seconds = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "files": len(results),
        "bytes": sum(r[0] for r in results),
        "seconds": seconds,
        "cpuSeconds": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime),
        "hashCpuSeconds": sum(r[1] for r in results),
        "fsyncCpuSeconds": sum(r[2] for r in results),
        "threads": threads,
    }))


if __name__ == "__main__":
    main()
