<#
.SYNOPSIS
    Diagnostic (not part of the bench): what one Takeout item costs Save-GPhotosMediaItem, in CPU time and managed
    allocations, with the listing taken out of the measured span (docs/benchmarks.md, "Takeout Save per item").
.DESCRIPTION
    In one pwsh: imports the module, lists the export (Get-GPhotosMediaItem -TakeoutPath, not measured), then measures
    one workload and prints one JSON line: wall and CPU seconds of this process, bytes allocated on the managed heap,
    GC counts, and items.
      Save   the listed items | Save-GPhotosMediaItem -Path <Destination> (a fresh folder; run it again for the re-run)
      Open   each item's bytes opened through the content source Save uses and read as Save reads them (ReadAsync
             into an 80 KB buffer), nothing written: the Takeout side alone
    Run each variant several times, alternating (the machine is shared), and compare medians of CPU per item.
    LD_PRELOAD=/tmp/nofsync.so (diagnostics/nofsync.c) shows what fsync costs.
.EXAMPLE
    pwsh -NoProfile -File TakeoutSaveCost.ps1 -ModulePath out/GPhotos/GPhotos.psd1 -TakeoutPath '/tmp/t10k/*.zip' -Mode Open
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TakeoutPath,
    [ValidateSet('Save', 'Open')] [string] $Mode = 'Save',
    [string] $Destination,
    [int] $Limit = 0
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$items = @(Get-GPhotosMediaItem -TakeoutPath $TakeoutPath -WarningAction SilentlyContinue)
if ($Limit -gt 0 -and $items.Count -gt $Limit) { $items = $items[0..($Limit - 1)] }

if ($Mode -eq 'Open') {
    $core = [GPhotos.Sources.TakeoutContentSource].Assembly.Location
    # Compiled, so the loop costs what Save's own loop costs, not a PowerShell pipeline's.
    Add-Type -ReferencedAssemblies $core, 'netstandard', 'System.Runtime', 'System.Collections', 'System.Threading', 'System.Threading.Tasks', 'System.Management.Automation' -TypeDefinition @'
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
public static class TakeoutOpenLoop
{
    public static long Run(IList<object> items)
    {
        var buffer = new byte[81920];
        long bytes = 0;
        var tasks = new List<Task<long>>();
        // 8 at once, like Save's default ThrottleLimit.
        int next = -1;
        for (int w = 0; w < 8; w++)
            tasks.Add(Task.Run(async () =>
            {
                var buf = new byte[81920];
                long got = 0;
                int i;
                while ((i = Interlocked.Increment(ref next)) < items.Count)
                {
                    var item = (GPhotos.Model.MediaItem)((System.Management.Automation.PSObject)items[i]).BaseObject;
                    var c = await GPhotos.Sources.TakeoutContentSource.Instance.OpenAsync(item, GPhotos.Sources.ContentVariant.Original, CancellationToken.None).ConfigureAwait(false);
                    using (c)
                    {
                        int n;
                        while ((n = await c.Body.ReadAsync(buf, 0, buf.Length, CancellationToken.None).ConfigureAwait(false)) > 0) got += n;
                    }
                }
                return got;
            }));
        foreach (var t in tasks) bytes += t.GetAwaiter().GetResult();
        return bytes;
    }
}
'@
}

[GC]::Collect()
$self = [Diagnostics.Process]::GetCurrentProcess()
$cpu0 = $self.TotalProcessorTime.TotalSeconds
$sys0 = $self.PrivilegedProcessorTime.TotalSeconds
$alloc0 = [GC]::GetTotalAllocatedBytes($true)
$gc0 = [GC]::CollectionCount(0)
$sw = [Diagnostics.Stopwatch]::StartNew()
$count = 0
if ($Mode -eq 'Save') {
    $count = ($items | Save-GPhotosMediaItem -Path $Destination -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Measure-Object).Count
}
else {
    $bytes = [TakeoutOpenLoop]::Run([object[]]$items)
    $count = $items.Count
}
$sw.Stop()
$self.Refresh()
[pscustomobject]@{
    mode = $Mode; items = $items.Count; results = $count
    wall = [math]::Round($sw.Elapsed.TotalSeconds, 3)
    cpu = [math]::Round($self.TotalProcessorTime.TotalSeconds - $cpu0, 3)
    sys = [math]::Round($self.PrivilegedProcessorTime.TotalSeconds - $sys0, 3)
    allocMB = [math]::Round(([GC]::GetTotalAllocatedBytes($true) - $alloc0) / 1MB, 1)
    gen0 = [GC]::CollectionCount(0) - $gc0
    cpuUsPerItem = [math]::Round(($self.TotalProcessorTime.TotalSeconds - $cpu0) * 1e6 / [math]::Max(1, $items.Count), 1)
    allocBPerItem = [math]::Round(([GC]::GetTotalAllocatedBytes($true) - $alloc0) / [math]::Max(1, $items.Count))
} | ConvertTo-Json -Compress
