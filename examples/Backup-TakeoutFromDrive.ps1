<#
.SYNOPSIS
    Nightly, unattended backup of the whole Google Photos library from scheduled Takeout exports in Google Drive.

.DESCRIPTION
    Google Takeout, scheduled to "Export every 2 months for 1 year" with delivery "Add to Drive", file type .zip and
    50 GB parts, leaves an export of the whole library in the Takeout folder of My Drive. Each night this script:

      1. connects from the cached sign-in (never waits for a person);
      2. takes the newest export (Get-GPhotosTakeoutArchive -Latest) and does nothing more while it is incomplete
         (Takeout delivers parts one by one; reading early could give items without their JSON sidecar metadata);
      3. reads it in place from Drive (the parts piped into Get-GPhotosMediaItem) and saves only what -Destination does
         not have yet (Save-GPhotosMediaItem's index): the next export repeats the whole library, and the items
         already saved are recognised without downloading them again (nor their JSON sidecars: what was read of them
         is kept in <Destination>/.gphotos/takeout-cache, so this holds on a new computer too, unless
         GPHOTOS_TAKEOUT_CACHE points elsewhere);
      4. with -RemoveVerified, deletes the export's parts from Drive once every item in them is saved and verified
         (Remove-GPhotosTakeoutArchive): an export counts against your Google storage quota.

    The schedule ends after 6 exports. When the newest export is older than the schedule allows, the log says so
    (a WARN line from Get-GPhotosTakeoutArchive): schedule the next year at https://takeout.google.com.

    Sign in once, at the keyboard, as the user the job runs as, with Drive access added to the sign-in:
        Connect-GPhotos -ClientSecretPath C:\GPhotos\client_secret.json -Drive        # read only
        Connect-GPhotos -ClientSecretPath C:\GPhotos\client_secret.json -DriveWrite   # for -RemoveVerified
    Keep the OAuth client "In production" (a "Testing" client's refresh token dies after 7 days). about_GPhotos
    has the whole set-up, including a recipe for a quota without room for a second copy of the library.

    Exit codes: 0 saved (or nothing to do: no export, or the newest still arriving); 1 some items or parts failed
    or were refused for removal (the rest was done; see the log); 2 the run could not start or stopped early
    (sign-in, Drive access, daily quota, destination in use, bad arguments).

    INSTALL ON WINDOWS (Task Scheduler), in PowerShell at the keyboard, as the user who signed in:

        $script = 'C:\GPhotos\Backup-TakeoutFromDrive.ps1'
        $arguments = "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$script`" " +
            '-Destination D:\PhotoBackup -ClientSecretPath C:\GPhotos\client_secret.json -RemoveVerified'
        $action = New-ScheduledTaskAction -Execute 'pwsh.exe' -Argument $arguments
        $trigger = New-ScheduledTaskTrigger -Daily -At 3am
        $settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 20)
        $user = Get-Credential -UserName "$env:USERDOMAIN\$env:USERNAME" -Message 'Your Windows password, so the task runs while you are logged off'
        Register-ScheduledTask -TaskName 'GPhotos Takeout from Drive' -Action $action -Trigger $trigger -Settings $settings `
            -User $user.UserName -Password $user.GetNetworkCredential().Password

    The task must run as the user who signed in (the token cache is encrypted with that user's DPAPI key).

    INSTALL ON LINUX OR MACOS (cron): `crontab -e` as the user who signed in, one line (full path of pwsh):

        30 3 * * * /usr/bin/pwsh -NoProfile -NonInteractive -File /home/me/gphotos/Backup-TakeoutFromDrive.ps1 -Destination /srv/photos -ClientSecretPath /home/me/gphotos/client_secret.json -RemoveVerified >/dev/null 2>&1

.PARAMETER Destination
    The backup folder. Created when missing.

.PARAMETER ClientSecretPath
    The client_secret_*.json of your "Desktop app" OAuth client: the same file you signed in with.

.PARAMETER RemoveVerified
    After the save, delete the export's parts from Google Drive that are fully saved and verified in -Destination.
    Needs the sign-in made with -DriveWrite. The delete is permanent (not the Drive trash).

.PARAMETER Layout
    Folders below -Destination: Flat, Year, YearMonth (default) or YearMonthDay, by capture time (UTC).

.PARAMETER TokenCachePath
    The token cache folder, if Connect-GPhotos was given one when you signed in.

.PARAMETER LogFolder
    Where each run writes takeout-<date>-<time>.log; the 60 newest are kept. Default: <Destination>/.gphotos/logs, beside
    the backup's index and the entry cache: it travels with the backup, and Test-GPhotosBackup knows the folder is
    GPhotos's (any other file it does not know it lists as "not in the index"). The last log line names the file.

.PARAMETER ModulePath
    The GPhotos module to import: a name or the path of GPhotos.psd1. Default: GPhotos (the installed module).

.EXAMPLE
    ./Backup-TakeoutFromDrive.ps1 -Destination D:\PhotoBackup -ClientSecretPath C:\GPhotos\client_secret.json

    Saves what is new in the newest complete export in Drive; leaves the export in Drive.

.EXAMPLE
    pwsh -NoProfile -NonInteractive -File ./Backup-TakeoutFromDrive.ps1 -Destination /srv/photos -ClientSecretPath ~/client_secret.json -RemoveVerified; echo "exit code $?"

    What the scheduler runs: saves, then frees the export's Drive space part by part once verified.

.LINK
    about_GPhotos

.LINK
    Remove-GPhotosTakeoutArchive
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $Destination,

    [Parameter(Mandatory)]
    [string] $ClientSecretPath,

    [switch] $RemoveVerified,

    [ValidateSet('Flat', 'Year', 'YearMonth', 'YearMonthDay')]
    [string] $Layout = 'YearMonth',

    [string] $TokenCachePath,

    [string] $LogFolder,

    [string] $ModulePath = 'GPhotos'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

$Destination = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination)
# In the backup's .gphotos folder: Test-GPhotosBackup reports any other file it does not know.
if (-not $LogFolder) { $LogFolder = Join-Path $Destination '.gphotos/logs' }
$null = New-Item -ItemType Directory -Force -Path $LogFolder
$LogFile = Join-Path $LogFolder ('takeout-{0:yyyyMMdd-HHmmss}.log' -f (Get-Date))

function Write-Log {
    param([string] $Message, [ValidateSet('INFO', 'WARN', 'ERROR')] [string] $Level = 'INFO')
    $line = '{0:yyyy-MM-dd HH:mm:ss} {1,-5} {2}' -f (Get-Date), $Level, $Message
    Add-Content -LiteralPath $LogFile -Value $line -Encoding UTF8
    if ($Level -eq 'ERROR') { [Console]::Error.WriteLine($line) } else { Write-Host $line }
}

function Write-Record {
    # Errors and warnings of the pipelines below, in order, into the log. Returns 1 for an error, else 0.
    param($Record)
    if ($Record -is [System.Management.Automation.ErrorRecord]) {
        $id = "$($Record.FullyQualifiedErrorId)"; $message = $Record.Exception.Message
        Write-Log -Level ERROR $(if ($id -and $id -ne $message) { "$($id): $message" } else { $message }) # a script's own throw has no id
        return 1
    }
    if ($Record -is [System.Management.Automation.WarningRecord]) { Write-Log -Level WARN $Record.Message }
    return 0
}

$exitCode = 0
$previousInteractive = $env:GPHOTOS_INTERACTIVE
$env:GPHOTOS_INTERACTIVE = '0' # never open a browser or wait for a person, however the script was started
# What GPhotos read of each export (every item's JSON sidecar and media header, by zip path, size and CRC-32) is kept
# in the backup, not on this computer: a new computer, or the backup restored elsewhere, recognises the items of the
# next export from the zip directories alone instead of fetching one sidecar per item (a request and ~1 KB each).
$previousCache = $env:GPHOTOS_TAKEOUT_CACHE
if (-not $env:GPHOTOS_TAKEOUT_CACHE) { $env:GPHOTOS_TAKEOUT_CACHE = Join-Path $Destination '.gphotos/takeout-cache' }
try {
    Import-Module $ModulePath -ErrorAction Stop
    if (-not (Get-Command Get-GPhotosMediaItem).Parameters.ContainsKey('TakeoutArchive')) {
        throw 'This GPhotos cannot read Takeout exports in Google Drive (Get-GPhotosMediaItem has no -TakeoutArchive); update the module.'
    }
    Write-Log "Backup of the newest Takeout export in Google Drive to $Destination."

    $connect = @{ ClientSecretPath = $ClientSecretPath; ErrorAction = 'Stop' }
    if ($TokenCachePath) { $connect.TokenCachePath = $TokenCachePath }
    Connect-GPhotos @connect
    Write-Log 'Connected from the cached sign-in.'

    # Warnings here (an incomplete export, the schedule has ended) belong in the log.
    $parts = @(Get-GPhotosTakeoutArchive -Latest 3>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.WarningRecord]) { Write-Log -Level WARN $_.Message } else { $_ }
        })
    if ($parts.Count -eq 0) {
        Write-Log 'No Takeout export in Google Drive yet: nothing to do.'
    }
    elseif (@($parts | Where-Object { -not $_.IsComplete }).Count -gt 0) {
        Write-Log "The newest export $($parts[0].ExportId) is not complete yet ($($parts[0].Completeness)); trying again next run."
    }
    else {
        $total = ($parts | Measure-Object Size -Sum).Sum
        Write-Log ("Export {0}: {1} part(s), {2:N1} GB." -f $parts[0].ExportId, $parts.Count, ($total / 1GB))
        $saved = 0; $skipped = 0; $failed = 0
        $save = @{ Path = $Destination; Layout = $Layout; Metadata = $true; IncludeMotionVideo = $true; ErrorAction = 'Continue'; WarningAction = 'Continue' }
        & { $parts | Get-GPhotosMediaItem | Save-GPhotosMediaItem @save } 2>&1 3>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord] -or $_ -is [System.Management.Automation.WarningRecord]) { $failed += Write-Record $_ }
            elseif ($_.Status -eq 'Saved') { $saved++; Write-Log "saved $($_.RelativePath) ($($_.Bytes) bytes)" }
            else { $skipped++ }
        }
        Write-Log "Saved $saved, already there $skipped, failed $failed."
        if ($failed -gt 0) { $exitCode = 1 }

        if ($RemoveVerified) {
            if ($failed -gt 0) {
                Write-Log -Level WARN 'Not removing the export from Drive: some items failed tonight. Next run tries again.'
            }
            else {
                $refused = 0
                & { $parts | Remove-GPhotosTakeoutArchive -Destination $Destination -Force -ErrorAction Continue } 2>&1 3>&1 | ForEach-Object {
                    if ($_ -is [System.Management.Automation.ErrorRecord] -or $_ -is [System.Management.Automation.WarningRecord]) { $refused += Write-Record $_ }
                    else { Write-Log ("{0}: {1} ({2} of {3} media entries verified). {4}" -f $_.Name, $_.Status, $_.Verified, $_.MediaEntries, $_.Reason) }
                }
                if ($refused -gt 0) { $exitCode = 1 }
            }
        }
    }
}
catch {
    $null = Write-Record $_
    $exitCode = 2
}
finally {
    $env:GPHOTOS_INTERACTIVE = $previousInteractive
    $env:GPHOTOS_TAKEOUT_CACHE = $previousCache
    Get-ChildItem -LiteralPath $LogFolder -Filter 'takeout-*.log' -ErrorAction SilentlyContinue |
        Sort-Object Name -Descending | Select-Object -Skip 60 | Remove-Item -ErrorAction SilentlyContinue
}
Write-Log "Done, exit code $exitCode. Log: $LogFile"
exit $exitCode
