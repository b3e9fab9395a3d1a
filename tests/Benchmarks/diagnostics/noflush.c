/*
 * Diagnostic only, never for real backups: LD_PRELOAD this into a pwsh to turn each fsync into a data-only write:
 * the file's dirty pages are written and waited for, but no inode write and no device cache flush follow. The
 * difference to a normal run bounds what any grouping of fsyncs could save (docs/benchmarks.md, "Save against curl
 * (third session)"); a run with it does NOT keep Save's promise after a power cut.
 *
 *   gcc -shared -fPIC -O2 -o /tmp/noflush.so tests/Benchmarks/diagnostics/noflush.c
 *   LD_PRELOAD=/tmp/noflush.so pwsh -NoProfile -File <script that runs Save-GPhotosMediaItem>
 */
#define _GNU_SOURCE
#include <fcntl.h>
int fsync(int fd) { return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER); }
int fdatasync(int fd) { return fsync(fd); }
