/*
 * Diagnostic only, never for real backups: LD_PRELOAD this into a pwsh to turn fsync/fdatasync into no-ops and
 * see what durability costs Save-GPhotosMediaItem on a given disk (docs/benchmarks.md, "Where the time goes").
 *
 *   gcc -shared -fPIC -O2 -o /tmp/nofsync.so tests/Benchmarks/diagnostics/nofsync.c
 *   LD_PRELOAD=/tmp/nofsync.so pwsh -NoProfile -File <script that runs Save-GPhotosMediaItem>
 */
int fsync(int fd) { (void)fd; return 0; }
int fdatasync(int fd) { (void)fd; return 0; }
