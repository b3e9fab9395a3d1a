<#
.SYNOPSIS
    One measured run of the benchmarks, in a fresh pwsh (started by Invoke-Benchmarks.ps1; not meant to be run by hand).
.DESCRIPTION
    Reads its settings from a JSON file, imports the module, connects to the emulator with a minted token, prepares
    what the run needs (untimed), then times exactly one workload and writes a JSON result file:
      Save      items listed first (fresh base URLs), then  $items | Save-GPhotosMediaItem -Path <dest>
      SaveAll   Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path <dest>     (the incremental re-run)
      List      Get-GPhotosMediaItem | Measure-Object
      Naive     items listed first, then a sequential  Invoke-WebRequest -OutFile  loop over the base URLs
      FirstItem (untimed check) the emulator's list counter when the first item reaches the pipeline
      IndexLoad the destination index (IndexPath) parsed alone, as Save does at its start (GPhotos.Core, by reflection)
      IndexFloor the same file read by a minimal reader (the baseline of IndexLoad): each line's id, path, size and
                sha256 cut out by position, trusting the format, into a Dictionary keyed by id
    With TakeoutPath, List and SaveAll read that Takeout export (Get-GPhotosMediaItem -TakeoutPath) and do not connect.
    Memory: the kernel's peak RSS (VmHWM, what PeakWorkingSet64 reads on Linux) is reset to the current RSS right
    before the workload (/proc/self/clear_refs), so "peak above idle" is the peak during the workload minus the
    working set of this idle pwsh with the module imported, connected and (for Save/Naive) the item list in hand.
#>
param([Parameter(Mandatory)] [string] $ArgsPath)

$ErrorActionPreference = 'Stop'
$a = Get-Content $ArgsPath -Raw | ConvertFrom-Json
$result = [ordered]@{ kind = $a.Kind; ok = $false }

function Get-EmulatorCpu {
    try { [System.Diagnostics.Process]::GetProcessById([int]$a.EmulatorPid).TotalProcessorTime.TotalSeconds } catch { [double]::NaN }
}

function Reset-PeakWorkingSet {
    # Linux: writing 5 to clear_refs resets VmHWM (the peak RSS) to the current RSS. Elsewhere the peak since start stays.
    try { [IO.File]::WriteAllText("/proc/$PID/clear_refs", '5'); $true } catch { $false }
}

try {
    $env:GPHOTOS_EMULATOR_HOST = $a.EmulatorHost
    Import-Module $a.ModulePath
    $takeout = $a.PSObject.Properties['TakeoutPath'] -and $a.TakeoutPath
    # A Takeout is read without signing in: its idle baseline is a pwsh that only imported the module.
    if (-not $takeout) { Connect-GPhotos -AccessToken $a.AccessToken | Out-Null }
    $source = if ($takeout) { @{ TakeoutPath = $a.TakeoutPath; WarningAction = 'SilentlyContinue' } } else { @{} }

    $sink = $null
    if ($a.PSObject.Properties['StreamResults'] -and $a.StreamResults) {
        # Scale runs: count Save's results by status as they pass instead of keeping them all (100k results held by
        # this script would be charged to Save's peak). A compiled cmdlet, so the per-item cost is like Measure-Object's.
        Add-Type -TypeDefinition @'
using System.Collections.Generic;
using System.Management.Automation;
[Cmdlet(VerbsDiagnostic.Measure, "BenchStatus")]
public sealed class MeasureBenchStatusCommand : PSCmdlet
{
    public static readonly Dictionary<string, int> Counts = new Dictionary<string, int>();
    public static int Total;
    [Parameter(ValueFromPipeline = true)] public PSObject InputObject { get; set; }
    protected override void ProcessRecord()
    {
        var p = InputObject == null ? null : InputObject.Properties["Status"];
        var key = p == null || p.Value == null ? "" : p.Value.ToString();
        int n; Counts.TryGetValue(key, out n); Counts[key] = n + 1; Total++;
    }
}
'@ -PassThru | Select-Object -First 1 | ForEach-Object { Import-Module -Assembly $_.Assembly }
        $sink = [MeasureBenchStatusCommand]
    }

    $indexType = $null
    if ($a.Kind -eq 'IndexLoad') {
        # Internal type, reached by reflection: a benchmark of its load alone. GPhotos.Core is loaded by Connect above.
        $core = [AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'GPhotos.Core' })[0]
        $indexType = $core.GetType('GPhotos.Saving.DestinationIndex', $true)
        $readOnly = $indexType.GetMethod('ReadOnly', [Reflection.BindingFlags]'Public, Static', $null, [type[]]@([string]), $null)
        if (-not $readOnly) { throw 'GPhotos.Saving.DestinationIndex.ReadOnly(string) was not found: update BenchChild.ps1.' }
        $managed0 = [GC]::GetTotalMemory($true)
    }

    $floor = $null
    if ($a.Kind -eq 'IndexFloor') {
        # Compiled before the timed part. What any loader must keep per entry (the id as key, the path, the size and
        # the hash as strings), none of Save's checks: how a hash table of N entries grows on this machine.
        $floor = Add-Type -PassThru -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.IO;
public static class BenchIndexFloor
{
    public sealed class Entry { public string Path; public long Size; public string Sha256; }
    public static Dictionary<string, Entry> Load(string file)
    {
        var d = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(file))
        {
            string id = Cut(line, "\"id\":\"", '"');
            if (id == null) continue;
            string size = Cut(line, "\"size\":", ',');
            long n; long.TryParse(size, out n);
            d[id] = new Entry { Path = Cut(line, "\"path\":\"", '"'), Size = n, Sha256 = Cut(line, "\"sha256\":\"", '"') };
        }
        return d;
    }
    private static string Cut(string line, string key, char end)
    {
        int i = line.IndexOf(key, StringComparison.Ordinal);
        if (i < 0) return null;
        i += key.Length;
        int j = line.IndexOf(end, i);
        return j < 0 ? null : line.Substring(i, j - i);
    }
}
'@ | Where-Object Name -EQ 'BenchIndexFloor'
        $managed0 = [GC]::GetTotalMemory($true)
    }

    $items = $null
    if ($a.Kind -in 'Save', 'Naive') {
        # Fresh base URLs right before the timed part, like the curl baseline gets them.
        $items = @(Get-GPhotosMediaItem)
        $result.listed = $items.Count
    }
    if ($a.Kind -eq 'FirstItem') {
        Invoke-RestMethod -Method Delete -Uri "$($a.EmulatorUrl)/__emulator/counters" | Out-Null
        $seen = Get-GPhotosMediaItem | Select-Object -First 1 | ForEach-Object {
            (Invoke-RestMethod -Uri "$($a.EmulatorUrl)/__emulator/counters").requests.'library.list'
        }
        $after = (Invoke-RestMethod -Uri "$($a.EmulatorUrl)/__emulator/counters").requests.'library.list'
        $result.listRequestsAtFirstItem = [long]$seen
        $result.listRequestsAfterFirst = [long]$after
        $result.ok = $true
        return
    }

    $dest = $a.Destination
    if ($a.Kind -eq 'Naive') {
        New-Item -ItemType Directory -Force $dest | Out-Null
        # Kinder to the baseline than the scripts people paste: no progress bar to render.
        $ProgressPreference = 'SilentlyContinue'
    }

    $self = [System.Diagnostics.Process]::GetCurrentProcess()
    $result.peakResetWorked = Reset-PeakWorkingSet
    $self.Refresh()
    $result.idleWorkingSet = $self.WorkingSet64
    $result.peakBefore = $self.PeakWorkingSet64
    $gcBefore = [GC]::CollectionCount(0), [GC]::CollectionCount(1), [GC]::CollectionCount(2)
    $cpu0 = $self.TotalProcessorTime.TotalSeconds
    $alloc0 = [GC]::GetTotalAllocatedBytes($true)
    $emu0 = Get-EmulatorCpu
    $errors = $null
    $sw = [System.Diagnostics.Stopwatch]::StartNew()

    switch ($a.Kind) {
        'Save' {
            $out = $items | Save-GPhotosMediaItem -Path $dest -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        }
        'SaveAll' {
            if ($sink) { Get-GPhotosMediaItem @source | Save-GPhotosMediaItem -Path $dest -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Measure-BenchStatus }
            else { $out = Get-GPhotosMediaItem @source | Save-GPhotosMediaItem -Path $dest -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
        }
        'List' {
            $out = Get-GPhotosMediaItem @source | Measure-Object
        }
        'IndexLoad' {
            $index = $readOnly.Invoke($null, @([string]$a.IndexPath))
        }
        'IndexFloor' {
            $index = $floor::Load([string]$a.IndexPath)
        }
        'Naive' {
            foreach ($it in $items) {
                $suffix = if ($it.IsVideo) { '=dv' } else { '=d' }
                Invoke-WebRequest -Uri ($it.BaseUrl + $suffix) -OutFile (Join-Path $dest $it.Filename)
            }
            $out = $null
        }
        default { throw "Unknown kind '$($a.Kind)'." }
    }

    $sw.Stop()
    $emu1 = Get-EmulatorCpu
    $self.Refresh()
    $result.elapsedSeconds = $sw.Elapsed.TotalSeconds
    $result.cpuSeconds = $self.TotalProcessorTime.TotalSeconds - $cpu0
    # Every thread's allocations during the workload (a per-item cost the wall time hides on a loaded machine).
    $result.allocatedBytes = [GC]::GetTotalAllocatedBytes($true) - $alloc0
    $result.emulatorCpuSeconds = $emu1 - $emu0
    $result.peakWorkingSet = $self.PeakWorkingSet64
    $result.endWorkingSet = $self.WorkingSet64
    $result.peakAboveIdle = $self.PeakWorkingSet64 - $result.idleWorkingSet
    $result.gcCollections = @(([GC]::CollectionCount(0) - $gcBefore[0]), ([GC]::CollectionCount(1) - $gcBefore[1]), ([GC]::CollectionCount(2) - $gcBefore[2]))
    $result.errors = @($errors).Where({ $_ }).Count
    $result.firstErrors = @(@($errors).Where({ $_ }) | Select-Object -First 3 | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
    if ($a.Kind -eq 'List') {
        $result.count = $out.Count
    }
    elseif ($a.Kind -eq 'IndexLoad') {
        $result.count = $indexType.GetProperty('Count').GetValue($index)
        # What the loaded index holds on the managed heap (full collections before and after, the index still alive).
        $result.managedBytes = [GC]::GetTotalMemory($true) - $managed0
        [GC]::KeepAlive($index)
        $index.Dispose()
    }
    elseif ($a.Kind -eq 'IndexFloor') {
        $result.count = $index.Count
        $result.managedBytes = [GC]::GetTotalMemory($true) - $managed0
        [GC]::KeepAlive($index)
    }
    elseif ($sink) {
        $result.count = $sink::Total
        $result.statuses = @{}
        foreach ($k in $sink::Counts.Keys) { $result.statuses[$k] = $sink::Counts[$k] }
    }
    elseif ($a.Kind -in 'Save', 'SaveAll') {
        $result.count = @($out).Count
        $result.statuses = @{}
        foreach ($g in @($out) | Group-Object { "$($_.Status)" }) { $result.statuses[$g.Name] = $g.Count }
    }
    $result.ok = $true
}
catch {
    $result.error = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"
}
finally {
    $result | ConvertTo-Json -Depth 5 | Set-Content -Path $a.ResultPath
}
