<#
.SYNOPSIS
    Where a Takeout listing's memory peaks: the managed heap sampled while Get-GPhotosMediaItem -TakeoutPath runs.
.DESCRIPTION
    Imports the module, lists the parts (Get-GPhotosMediaItem -TakeoutPath <parts> | Measure-Object) and prints one
    line of JSON: peak working set above idle (VmHWM reset by /proc/self/clear_refs after the import, as BenchChild
    does), the largest managed heap seen (GC.GetTotalMemory(false), sampled every 5 ms: live objects plus garbage
    not yet collected), the largest heap left after a collection (GCMemoryInfo.HeapSizeBytes of each GC: what was
    alive then, which a working set can never go below), the largest committed GC memory, bytes allocated, CPU
    seconds and collections. A peak working set moves ±10 MB run to run on a loaded machine; the post-GC heap does not.
    The resident set is sampled too (/proc/self/statm, every 5 ms): peakAtSeconds is when it was highest and
    peakBeforeFirstItemMB how high it had been when the first item reached the pipeline (firstItemAtSeconds), so a peak
    reached while items are emitted is told from one reached while the index is built.
    With -Dump, instead writes every item field by field (and the warnings) to that file, to compare two builds.
.EXAMPLE
    dotnet pwsh tests/Benchmarks/diagnostics/TakeoutPeak.ps1 -Module out/GPhotos/GPhotos.psd1 -Parts out/bench/cache/takeout-i100000-p5-s1-*/*.zip
#>
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string[]] $Parts,
    [string] $Dump,
    # Also print the heap after each collection, with the time the first item reached the pipeline.
    [switch] $Timeline,
    # Also force a full collection every this many ms and keep the largest live heap (slows the run; 0: off).
    [int] $LiveEveryMs = 0
)
$ErrorActionPreference = 'Stop'
$paths = @($Parts | ForEach-Object { (Resolve-Path $_).Path })
Import-Module $Module

if ($Dump) {
    $warnings = $null
    $fmt = { param($v) if ($null -eq $v) { '-' } elseif ($v -is [datetime]) { $v.ToString('o') } elseif ($v -is [double]) { $v.ToString('R', [cultureinfo]::InvariantCulture) } elseif ($v -is [array]) { '[' + ($v -join '|') + ']' } else { "$v" } }
    $sb = [System.Text.StringBuilder]::new()
    Get-GPhotosMediaItem -TakeoutPath $paths -WarningVariable warnings -WarningAction SilentlyContinue | ForEach-Object {
        $m = $_
        $fields = foreach ($p in $m.PSObject.Properties) {
            if ($p.Name -in 'Takeout', 'MediaMetadata') { continue }
            "$($p.Name)=$(& $fmt $p.Value)"
        }
        foreach ($sub in 'Takeout', 'MediaMetadata') {
            $o = $m.$sub
            if ($null -eq $o) { $fields += "$sub=-"; continue }
            foreach ($p in $o.PSObject.Properties) {
                if ($p.Value -and $p.Value.GetType().Namespace -eq 'GPhotos.Model' -and -not $p.Value.GetType().IsEnum) {
                    foreach ($q in $p.Value.PSObject.Properties) { $fields += "$sub.$($p.Name).$($q.Name)=$(& $fmt $q.Value)" }
                }
                else { $fields += "$sub.$($p.Name)=$(& $fmt $p.Value)" }
            }
        }
        [void]$sb.AppendLine($fields -join "`t")
    }
    foreach ($w in $warnings) { [void]$sb.AppendLine("WARNING: $($w.Message)") }
    [IO.File]::WriteAllText($Dump, $sb.ToString())
    return
}

Add-Type -TypeDefinition @'
using System;
using System.Threading;
public static class TakeoutPeakSampler
{
    public static long MaxTotal, MaxAfterGc, MaxCommitted, MaxLive, MaxRss;
    public static double MaxRssAt;
    public static int LiveEveryMs;
    public static readonly System.Collections.Generic.List<string> Timeline = new System.Collections.Generic.List<string>();
    public static System.Diagnostics.Stopwatch Clock;
    static volatile bool _stop;
    static Thread _t;
    public static void Start()
    {
        _stop = false; MaxTotal = 0; MaxAfterGc = 0; MaxCommitted = 0; MaxLive = 0; MaxRss = 0; MaxRssAt = 0; Timeline.Clear(); Clock = System.Diagnostics.Stopwatch.StartNew();
        _t = new Thread(() =>
        {
            long lastIndex = -1;
            var sinceLive = System.Diagnostics.Stopwatch.StartNew();
            while (!_stop)
            {
                if (LiveEveryMs > 0 && sinceLive.ElapsedMilliseconds >= LiveEveryMs)
                {
                    long live = GC.GetTotalMemory(true);
                    if (live > MaxLive) MaxLive = live;
                    Timeline.Add(string.Format("{0,7:0.00}s live {1,6:0.0} MB", Clock.Elapsed.TotalSeconds, live / 1048576.0));
                    sinceLive.Restart();
                }
                long t = GC.GetTotalMemory(false);
                long rss = Rss();
                if (rss > MaxRss) { MaxRss = rss; MaxRssAt = Clock.Elapsed.TotalSeconds; }
                if (t > MaxTotal) MaxTotal = t;
                var info = GC.GetGCMemoryInfo(GCKind.Any);
                if (info.Index != lastIndex)
                {
                    lastIndex = info.Index;
                    if (LiveEveryMs == 0) Timeline.Add(string.Format("{0,7:0.00}s gen{1} heap after {2,6:0.0} MB, committed {3,6:0.0} MB", Clock.Elapsed.TotalSeconds, info.Generation, info.HeapSizeBytes / 1048576.0, info.TotalCommittedBytes / 1048576.0));
                    if (info.HeapSizeBytes > MaxAfterGc) MaxAfterGc = info.HeapSizeBytes;
                    if (info.TotalCommittedBytes > MaxCommitted) MaxCommitted = info.TotalCommittedBytes;
                }
                Thread.Sleep(5);
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        _t.Start();
    }
    public static void Stop() { _stop = true; _t.Join(); }
    // Resident pages now (/proc/self/statm, second field): when the peak working set was reached, not only how high.
    static long Rss()
    {
        try
        {
            var f = System.IO.File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(f[1]) * Environment.SystemPageSize;
        }
        catch (Exception) { return 0; }
    }
}
'@

[GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
$self = [System.Diagnostics.Process]::GetCurrentProcess()
$heap0 = [GC]::GetTotalMemory($true)
$idle = $self.WorkingSet64
try { [IO.File]::WriteAllText("/proc/$PID/clear_refs", '5') } catch { }
$cpu0 = $self.TotalProcessorTime.TotalSeconds
$alloc0 = [GC]::GetTotalAllocatedBytes($true)
$gc0 = 0..2 | ForEach-Object { [GC]::CollectionCount($_) }
[TakeoutPeakSampler]::LiveEveryMs = $LiveEveryMs
[TakeoutPeakSampler]::Start()
$sw = [System.Diagnostics.Stopwatch]::StartNew()
$first = $null
$n = (Get-GPhotosMediaItem -TakeoutPath $paths -WarningAction SilentlyContinue | ForEach-Object { if ($null -eq $first) { $first = [TakeoutPeakSampler]::Clock.Elapsed.TotalSeconds; $peakAtFirst = [TakeoutPeakSampler]::MaxRss }; $_ } | Measure-Object).Count
$sw.Stop()
[TakeoutPeakSampler]::Stop()
$self.Refresh()
$r = [ordered]@{
    items = $n
    seconds = [math]::Round($sw.Elapsed.TotalSeconds, 2)
    cpuSeconds = [math]::Round($self.TotalProcessorTime.TotalSeconds - $cpu0, 2)
    peakAboveIdleMB = [math]::Round(($self.PeakWorkingSet64 - $idle) / 1MB, 1)
    maxHeapMB = [math]::Round(([TakeoutPeakSampler]::MaxTotal - $heap0) / 1MB, 1)
    maxHeapAfterGcMB = [math]::Round(([TakeoutPeakSampler]::MaxAfterGc - $heap0) / 1MB, 1)
    maxCommittedMB = [math]::Round([TakeoutPeakSampler]::MaxCommitted / 1MB, 1)
    allocatedMB = [math]::Round(([GC]::GetTotalAllocatedBytes($true) - $alloc0) / 1MB, 1)
    maxLiveMB = if ($LiveEveryMs -gt 0) { [math]::Round(([TakeoutPeakSampler]::MaxLive - $heap0) / 1MB, 1) } else { $null }
    peakAtSeconds = [math]::Round([TakeoutPeakSampler]::MaxRssAt, 2)
    firstItemAtSeconds = [math]::Round($first, 2)
    peakBeforeFirstItemMB = [math]::Round(($peakAtFirst - $idle) / 1MB, 1)
    gc = (0..2 | ForEach-Object { [GC]::CollectionCount($_) - $gc0[$_] }) -join '/'
}
$r | ConvertTo-Json -Compress
if ($Timeline) { "first item at $([math]::Round($first, 2)) s"; [TakeoutPeakSampler]::Timeline }
