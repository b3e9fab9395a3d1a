# The FileCost diagnostic of Invoke-Benchmarks.ps1 (dot-sourced; uses its helpers): what writing $FileCostFiles files of
# $PhotoSize bytes costs on this disk with no HTTP at all, step by step, in a .NET loop:
#   write    create the final file, write, close (what curl does per file)
#   rename   write a temp file in a side folder, close, rename it into place
#   fsync    the same with Flush(true) before the close (Save: the rename must not outrun the data)
#   grouped fsync  the commit-group design of docs/benchmarks.md ("Takeout Save per item"): temp files written and
#            kept open without a flush; every 64 files (or at the end) the group's writeback is started for all
#            (sync_file_range WRITE, Linux), then all are fsynced at once ($Throttle threads), then closed and renamed.
#            Same promise as 'fsync': no file gets its name before its bytes are on disk.
#   times    'fsync' plus setting the file time (Save sets it from the item's date)
# each at Save's concurrency ($Throttle threads), and write/times also on one thread (the plain per-file cost). Each
# variant's wall time and this process's CPU time are kept. Compared with the photos phase's Save and curl times, it
# says how much of a file's cost is the disk and how much HTTP.

$script:FileCostSource = @'
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

public static class GPhotosBenchFileCost
{
    /// <summary>CPU seconds of this process during the last Run (user + system, every thread).</summary>
    public static double LastCpu;

    [DllImport("libc", SetLastError = true)]
    private static extern int sync_file_range(int fd, long offset, long nbytes, uint flags);
    private const uint SyncFileRangeWrite = 2;

    public static double Run(string folder, int count, byte[] data, int threads, bool temp, bool fsync, bool times, int group)
    {
        var tmp = Path.Combine(folder, ".tmp");
        Directory.CreateDirectory(tmp);
        var when = new DateTime(2021, 3, 14, 10, 15, 0, DateTimeKind.Utc);
        var self = Process.GetCurrentProcess();
        var cpu0 = self.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var gate = new object();
        var pending = new List<Tuple<FileStream, string, string>>();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var target = Path.Combine(folder, i.ToString("D6") + ".jpg");
            var path = temp ? Path.Combine(tmp, i.ToString("D6") + ".part") : target;
            var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            // 80 KiB writes, as Save's download buffer.
            for (int at = 0; at < data.Length; at += 81920) fs.Write(data, at, Math.Min(81920, data.Length - at));
            if (group > 0)
            {
                List<Tuple<FileStream, string, string>> full = null;
                lock (gate)
                {
                    pending.Add(Tuple.Create(fs, path, target));
                    if (pending.Count >= group) { full = pending; pending = new List<Tuple<FileStream, string, string>>(); }
                }
                if (full != null) Commit(full, threads, times, when);
                return;
            }
            using (fs)
            {
                if (fsync) fs.Flush(true);
            }
            if (temp) File.Move(path, target);
            if (times) File.SetLastWriteTimeUtc(target, when);
        });
        if (pending.Count > 0) Commit(pending, threads, times, when);
        double wall = sw.Elapsed.TotalSeconds;
        self.Refresh();
        LastCpu = (self.TotalProcessorTime - cpu0).TotalSeconds;
        return wall;
    }

    private static void Commit(List<Tuple<FileStream, string, string>> group, int threads, bool times, DateTime when)
    {
        bool linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        if (linux)
            foreach (var f in group) sync_file_range((int)f.Item1.SafeFileHandle.DangerousGetHandle(), 0, 0, SyncFileRangeWrite);
        Parallel.ForEach(group, new ParallelOptions { MaxDegreeOfParallelism = threads }, f => f.Item1.Flush(true));
        foreach (var f in group)
        {
            f.Item1.Dispose();
            File.Move(f.Item2, f.Item3);
            if (times) File.SetLastWriteTimeUtc(f.Item3, when);
        }
    }
}
'@

function Invoke-FileCostPhase {
    $rounds = $Repeat
    Write-Step "FileCost: $FileCostFiles files of $('{0:N0} KB' -f ($PhotoSize / 1000)) written without HTTP, 7 variants, $rounds round(s)"
    if (-not ('GPhotosBenchFileCost' -as [type])) { Add-Type -TypeDefinition $script:FileCostSource -Language CSharp }
    $data = [byte[]]::new($PhotoSize)
    [Random]::new(1).NextBytes($data)
    $variants = [ordered]@{
        'write, 1 thread' = @(1, $false, $false, $false, 0)
        'write' = @($Throttle, $false, $false, $false, 0)
        'rename' = @($Throttle, $true, $false, $false, 0)
        'fsync' = @($Throttle, $true, $true, $false, 0)
        'grouped fsync' = @($Throttle, $true, $true, $false, 64)
        'times' = @($Throttle, $true, $true, $true, 0)
        'times, 1 thread' = @(1, $true, $true, $true, 0)
    }
    $times = @{}; $cpus = @{}
    foreach ($k in $variants.Keys) { $times[$k] = @(); $cpus[$k] = @() }
    $dir = Join-Path $DownloadRoot 'filecost'
    for ($r = 1; $r -le $rounds; $r++) {
        foreach ($k in $variants.Keys) {
            $v = $variants[$k]
            Remove-Folder $dir
            New-Item -ItemType Directory -Force $dir | Out-Null
            Sync-Disk
            $times[$k] += [GPhotosBenchFileCost]::Run($dir, $FileCostFiles, $data, $v[0], $v[1], $v[2], $v[3], $v[4])
            $cpus[$k] += [GPhotosBenchFileCost]::LastCpu
            # The write-back of this variant is not charged to the next one.
            Sync-Disk
        }
        Write-Step ('  round {0}: {1}' -f $r, (($variants.Keys | ForEach-Object { '{0} {1:0.00} s' -f $_, $times[$_][-1] }) -join ', '))
    }
    Remove-Folder $dir
    $script:Runs['filecost'] = $times
    $script:Runs['filecost.cpu'] = $cpus
    $us = @{}
    foreach ($k in $variants.Keys) { $us[$k] = 1e6 * (Get-Median $times[$k]) / $FileCostFiles }
    # Per-file wall time of Save and curl at the same concurrency, from the photos phase of this run, when it ran.
    $save = $script:Runs.Contains('photos.save') ? 1e6 * (Get-Median $script:Runs['photos.save'].elapsedSeconds) / $Photos : [double]::NaN
    $curl = $script:Runs.Contains('photos.curl') ? 1e6 * (Get-Median $script:Runs['photos.curl'].elapsedSeconds) / $Photos : [double]::NaN
    foreach ($k in $variants.Keys) {
        Add-Row '1 download' "per-file cost without HTTP: $k" ('{0:N0} us/file' -f $us[$k]) '' $null '(diagnostic)' $null `
            ('CPU {0:N0} us/file (this process)' -f (1e6 * (Get-Median $cpus[$k]) / $FileCostFiles))
    }
    if (-not [double]::IsNaN($save)) {
        Add-Row '1 download' 'per-file wall time: Save / curl (photos phase)' ('{0:N0} / {1:N0} us/file' -f $save, $curl) '' $null '(diagnostic)' $null `
            ('at {0} in flight: disk work alone is {1:N0} us/file the way Save writes (fsync {2:N0}, rename {3:N0}, times {4:N0}) and {5:N0} us/file the way curl writes; the rest is HTTP, scheduling and bookkeeping: Save {6:N0}, curl {7:N0} us/file' -f `
                $Throttle, $us['times'], ($us['fsync'] - $us['rename']), ($us['rename'] - $us['write']), ($us['times'] - $us['fsync']), $us['write'], ($save - $us['times']), ($curl - $us['write']))
    }
}
