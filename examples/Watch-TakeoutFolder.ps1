<#
.SYNOPSIS
    Watches a folder for Google Takeout downloads and saves each new export into a backup, remembering what it did.

.DESCRIPTION
    Point your browser's download folder (or a folder you copy Takeout zips into) at this script. Every
    -PollInterval it looks for Takeout parts (takeout-<time>-001.zip, -002.zip, ... and .tgz/.tar.gz parts), groups
    them into exports by name, waits until an export has been quiet for -SettleTime (no part still growing, no new
    part arriving), then reads all its parts together with Get-GPhotosMediaItem -TakeoutPath and saves the items with
    Save-GPhotosMediaItem. Reading the parts together matters: Google puts a photo and its JSON sidecar in different
    parts whenever it likes.

    What was done is kept in -StateFile (JSON): each export's parts (name, size, time), when it was processed and
    the counts. An export is processed again only when its parts change: a part added late, or a damaged part
    downloaded again. Items already in the backup are skipped by Save-GPhotosMediaItem's own index, so processing
    again costs reading, not downloading or writing.

    No Google sign-in is needed: Takeout is local data. To get exports regularly, ask Google for a scheduled export
    (takeout.google.com, Google Photos, "Export every 2 months for 1 year").

    Run it in a window and leave it (Ctrl+C stops it between exports; a save in progress stops cleanly, leaving no
    half-written files), or run it with -Once from Task Scheduler or cron, which exits with code 1 when an export
    failed.

.PARAMETER WatchFolder
    The folder where Takeout parts arrive.

.PARAMETER Destination
    The backup folder.

.PARAMETER Layout
    Folders below -Destination: Flat, Year, YearMonth (default) or YearMonthDay, by capture time (UTC).

.PARAMETER StateFile
    Where the script remembers the exports it processed. Default: <Destination>/.gphotos/takeout-imports.json, in
    the backup's own .gphotos folder, so Test-GPhotosBackup does not report it as a file the index does not know (an
    earlier default, GPhotos-takeout-imports.json in -Destination, is moved there; if it cannot be, it is read where
    it is).

.PARAMETER SettleTime
    How long an export must be unchanged before it is processed, so parts still downloading are not read. Default
    10 minutes.

.PARAMETER PollInterval
    How often to look for new parts. Default 1 minute.

.PARAMETER Once
    Look once, process what is ready and exit (for Task Scheduler or cron).

.PARAMETER MoveProcessedTo
    Move the parts of an export that was saved without errors to this folder (for example a folder on another
    disk, or one you clean up by hand). By default they stay where they are.

.PARAMETER ModulePath
    The GPhotos module to import: a name or the path of GPhotos.psd1. Default: GPhotos.

.EXAMPLE
    ./Watch-TakeoutFolder.ps1 -WatchFolder ~/Downloads -Destination /mnt/backup/photos

    Keeps running; every Takeout export downloaded to ~/Downloads is saved into /mnt/backup/photos/<yyyy>/<MM>.

.EXAMPLE
    pwsh -NoProfile -NonInteractive -File C:\GPhotos\Watch-TakeoutFolder.ps1 -WatchFolder D:\Takeout -Destination E:\Photos -Once -MoveProcessedTo D:\Takeout\done

    One pass, for a scheduled task; exports saved without errors are moved to D:\Takeout\done.

.LINK
    about_GPhotos

.LINK
    Get-GPhotosMediaItem
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $WatchFolder,

    [Parameter(Mandatory)]
    [string] $Destination,

    [ValidateSet('Flat', 'Year', 'YearMonth', 'YearMonthDay')]
    [string] $Layout = 'YearMonth',

    [string] $StateFile,

    [TimeSpan] $SettleTime = (New-TimeSpan -Minutes 10),

    [TimeSpan] $PollInterval = (New-TimeSpan -Minutes 1),

    [switch] $Once,

    [string] $MoveProcessedTo,

    [string] $ModulePath = 'GPhotos'
)

# Works in Windows PowerShell 5.1 and PowerShell 7.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

$WatchFolder = (Resolve-Path -LiteralPath $WatchFolder).ProviderPath
$Destination = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination)
if (-not $StateFile) {
    # The script's own files go in the backup's .gphotos folder: Test-GPhotosBackup reports any other file it does not know.
    $StateFile = Join-Path (Join-Path $Destination '.gphotos') 'takeout-imports.json'
    $oldStateFile = Join-Path $Destination 'GPhotos-takeout-imports.json'
    if ((Test-Path -LiteralPath $oldStateFile) -and -not (Test-Path -LiteralPath $StateFile)) {
        try {
            $null = New-Item -ItemType Directory -Force -Path (Split-Path $StateFile -Parent)
            Move-Item -LiteralPath $oldStateFile -Destination $StateFile
        }
        catch { $StateFile = $oldStateFile }
    }
}
$StateFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($StateFile)
Import-Module $ModulePath -ErrorAction Stop

function Write-Status([string] $Message) { Write-Host ('{0:yyyy-MM-dd HH:mm:ss} {1}' -f (Get-Date), $Message) }

function Read-State {
    if (-not (Test-Path -LiteralPath $StateFile)) { return @{} }
    $state = @{}
    $json = Get-Content -LiteralPath $StateFile -Raw | ConvertFrom-Json
    foreach ($p in $json.PSObject.Properties) { $state[$p.Name] = $p.Value }
    $state
}

function Save-State([hashtable] $State) {
    # Written beside the final name, then moved over it: a crash never leaves half a state file.
    $folder = Split-Path $StateFile -Parent
    $null = New-Item -ItemType Directory -Force -Path $folder
    $temp = Join-Path $folder ('.{0}.{1}.tmp' -f (Split-Path $StateFile -Leaf), [guid]::NewGuid().ToString('N'))
    $State | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $temp -Encoding UTF8
    Move-Item -LiteralPath $temp -Destination $StateFile -Force
}

function Get-Export {
    <# The Takeout parts in the watch folder, grouped by export: takeout-20260301T101500Z-001.zip -> takeout-20260301T101500Z. #>
    $parts = Get-ChildItem -LiteralPath $WatchFolder -File | Where-Object { $_.Name -match '\.(zip|tgz|tar\.gz)$' }
    foreach ($group in $parts | Group-Object { if ($_.Name -match '^(.+?)-\d{3}\.(zip|tgz|tar\.gz)$') { $Matches[1] } else { $_.Name -replace '\.(zip|tgz|tar\.gz)$', '' } }) {
        $files = @($group.Group | Sort-Object Name)
        [pscustomobject]@{
            Key         = $group.Name
            Files       = $files
            # What identifies this version of the export: every part's name, size and time.
            Fingerprint = (@($files | ForEach-Object { '{0}|{1}|{2:o}' -f $_.Name, $_.Length, $_.LastWriteTimeUtc }) -join ';')
            NewestWrite = ($files | Sort-Object LastWriteTimeUtc | Select-Object -Last 1).LastWriteTimeUtc
        }
    }
}

function Invoke-Export($Export) {
    <# Saves one export; returns its record for the state file. Terminating errors (destination in use...) propagate. #>
    $counts = @{ Saved = 0; Skipped = 0; Failed = 0 }
    $paths = @($Export.Files | ForEach-Object FullName)
    Write-Status "Processing $($Export.Key): $($paths.Count) part(s)."
    & {
        Get-GPhotosMediaItem -TakeoutPath $paths -ErrorAction Continue |
            Save-GPhotosMediaItem -Path $Destination -Layout $Layout -Metadata -IncludeMotionVideo -ErrorAction Continue
    } 2>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) {
            $counts.Failed++
            Write-Warning "$($Export.Key): $($_.Exception.Message)"
        }
        elseif ($_.Status -eq 'Saved') { $counts.Saved++ }
        else { $counts.Skipped++ }
    }
    Write-Status ("{0}: {1} saved, {2} already in the backup, {3} failed." -f $Export.Key, $counts.Saved, $counts.Skipped, $counts.Failed)
    [pscustomobject]@{
        Fingerprint = $Export.Fingerprint
        Parts       = @($Export.Files | ForEach-Object Name)
        Processed   = (Get-Date).ToUniversalTime().ToString('o')
        Saved       = $counts.Saved
        Skipped     = $counts.Skipped
        Failed      = $counts.Failed
    }
}

$seenSizes = @{} # part path -> size at the previous poll: a part still growing is not ready
$anyFailed = $false
Write-Status "Watching $WatchFolder for Google Takeout exports; saving into $Destination ($Layout)."
Write-Status "The processed exports are remembered in $StateFile."
while ($true) {
    $state = Read-State
    foreach ($export in @(Get-Export)) {
        $previous = if ($state.ContainsKey($export.Key)) { $state[$export.Key] } else { $null }
        if ($previous -and $previous.Fingerprint -eq $export.Fingerprint) { continue } # done (or failed) in this form already

        $growing = @($export.Files | Where-Object { $seenSizes.ContainsKey($_.FullName) -and $seenSizes[$_.FullName] -ne $_.Length })
        foreach ($f in $export.Files) { $seenSizes[$f.FullName] = $f.Length }
        $quietFor = (Get-Date).ToUniversalTime() - $export.NewestWrite
        if ($growing.Count -or $quietFor -lt $SettleTime) {
            Write-Verbose "$($export.Key) is still arriving; waiting until it has been unchanged for $SettleTime."
            continue
        }
        if ($previous) { Write-Status "$($export.Key) changed since it was processed ($($previous.Processed)): processing it again." }

        $record = Invoke-Export $export
        $state[$export.Key] = $record
        Save-State $state
        if ($record.Failed -gt 0) {
            $anyFailed = $true
            Write-Warning "$($export.Key) had failures. Download the damaged part(s) again from Google Takeout into $WatchFolder; the export is processed again when its parts change."
        }
        elseif ($MoveProcessedTo) {
            $null = New-Item -ItemType Directory -Force -Path $MoveProcessedTo
            $export.Files | Move-Item -Destination $MoveProcessedTo
            Write-Status "$($export.Key): parts moved to $MoveProcessedTo."
        }
    }
    if ($Once) { break }
    Start-Sleep -Seconds ([int][math]::Max(1, $PollInterval.TotalSeconds))
}
if ($anyFailed) { exit 1 }
