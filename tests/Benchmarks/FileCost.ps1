# The FileCost diagnostic of Invoke-Benchmarks.ps1 (dot-sourced; uses its helpers): what writing $FileCostFiles files of
# $PhotoSize bytes costs on this disk with no HTTP at all, step by step, in a .NET loop:
#   write    create the final file, write, close (what curl does per file)
#   rename   write a temp file in a side folder, close, rename it into place
#   fsync    the same with Flush(true) before the close (Save: the rename must not outrun the data)
#   times    the same plus setting the file time (Save sets it from the item's date)
# each at Save's concurrency ($Throttle threads), and write/times also on one thread (the plain per-file cost).
# Compared with the photos phase's Save and curl times, it says how much of a file's cost is the disk and how much HTTP.

$script:FileCostSource = @'
using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

public static class GPhotosBenchFileCost
{
    public static double Run(string folder, int count, byte[] data, int threads, bool temp, bool fsync, bool times)
    {
        var tmp = Path.Combine(folder, ".tmp");
        Directory.CreateDirectory(tmp);
        var when = new DateTime(2021, 3, 14, 10, 15, 0, DateTimeKind.Utc);
        var sw = Stopwatch.StartNew();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var target = Path.Combine(folder, i.ToString("D6") + ".jpg");
            var path = temp ? Path.Combine(tmp, i.ToString("D6") + ".part") : target;
            using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                // 80 KiB writes, as Save's download buffer.
                for (int at = 0; at < data.Length; at += 81920) fs.Write(data, at, Math.Min(81920, data.Length - at));
                if (fsync) fs.Flush(true);
            }
            if (temp) File.Move(path, target);
            if (times) File.SetLastWriteTimeUtc(target, when);
        });
        return sw.Elapsed.TotalSeconds;
    }
}
'@

function Invoke-FileCostPhase {
    $rounds = $Repeat
    Write-Step "FileCost: $FileCostFiles files of $('{0:N0} KB' -f ($PhotoSize / 1000)) written without HTTP, 6 variants, $rounds round(s)"
    if (-not ('GPhotosBenchFileCost' -as [type])) { Add-Type -TypeDefinition $script:FileCostSource -Language CSharp }
    $data = [byte[]]::new($PhotoSize)
    [Random]::new(1).NextBytes($data)
    $variants = [ordered]@{
        'write, 1 thread' = @(1, $false, $false, $false)
        'write' = @($Throttle, $false, $false, $false)
        'rename' = @($Throttle, $true, $false, $false)
        'fsync' = @($Throttle, $true, $true, $false)
        'times' = @($Throttle, $true, $true, $true)
        'times, 1 thread' = @(1, $true, $true, $true)
    }
    $times = @{}
    foreach ($k in $variants.Keys) { $times[$k] = @() }
    $dir = Join-Path $DownloadRoot 'filecost'
    for ($r = 1; $r -le $rounds; $r++) {
        foreach ($k in $variants.Keys) {
            $v = $variants[$k]
            Remove-Folder $dir
            New-Item -ItemType Directory -Force $dir | Out-Null
            Sync-Disk
            $times[$k] += [GPhotosBenchFileCost]::Run($dir, $FileCostFiles, $data, $v[0], $v[1], $v[2], $v[3])
            # The write-back of this variant is not charged to the next one.
            Sync-Disk
        }
        Write-Step ('  round {0}: {1}' -f $r, (($variants.Keys | ForEach-Object { '{0} {1:0.00} s' -f $_, $times[$_][-1] }) -join ', '))
    }
    Remove-Folder $dir
    $script:Runs['filecost'] = $times
    $us = @{}
    foreach ($k in $variants.Keys) { $us[$k] = 1e6 * (Get-Median $times[$k]) / $FileCostFiles }
    # Per-file wall time of Save and curl at the same concurrency, from the photos phase of this run, when it ran.
    $save = $script:Runs.Contains('photos.save') ? 1e6 * (Get-Median $script:Runs['photos.save'].elapsedSeconds) / $Photos : [double]::NaN
    $curl = $script:Runs.Contains('photos.curl') ? 1e6 * (Get-Median $script:Runs['photos.curl'].elapsedSeconds) / $Photos : [double]::NaN
    foreach ($k in $variants.Keys) {
        Add-Row '1 download' "per-file cost without HTTP: $k" ('{0:N0} us/file' -f $us[$k]) '' $null '(diagnostic)' $null
    }
    if (-not [double]::IsNaN($save)) {
        Add-Row '1 download' 'per-file wall time: Save / curl (photos phase)' ('{0:N0} / {1:N0} us/file' -f $save, $curl) '' $null '(diagnostic)' $null `
            ('at {0} in flight: disk work alone is {1:N0} us/file the way Save writes (fsync {2:N0}, rename {3:N0}, times {4:N0}) and {5:N0} us/file the way curl writes; the rest is HTTP, scheduling and bookkeeping: Save {6:N0}, curl {7:N0} us/file' -f `
                $Throttle, $us['times'], ($us['fsync'] - $us['rename']), ($us['rename'] - $us['write']), ($us['times'] - $us['fsync']), $us['write'], ($save - $us['times']), ($curl - $us['write']))
    }
}
