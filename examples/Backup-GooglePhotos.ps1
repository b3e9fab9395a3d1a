<#
.SYNOPSIS
    Nightly, unattended backup of Google Photos to a folder, for Task Scheduler or cron.

.DESCRIPTION
    Saves what is new since the last run into -Destination, logs every run to a file and exits with a non-zero code
    when anything failed, so Task Scheduler ("Last Run Result") and cron (mail) show it.

    Pick the source with -Source (about_GPhotos explains the three):

      Takeout         Reads every Google Takeout export in -TakeoutPath (zips, .tgz, extracted folders). The whole
                      library with GPS, no sign-in needed. Point it at the folder your Takeout downloads land in.
      PickerSessions  Downloads what you picked in Google's picker since the last run. Start a session whenever you
                      like, at the keyboard or on your phone, and put its id in the session file (kept in the
                      backup's .gphotos folder, made by the first run or by the New-Item line):
                          New-Item -ItemType Directory -Force D:\PhotoBackup\.gphotos | Out-Null
                          (New-GPhotosPickerSession).Id | Add-Content D:\PhotoBackup\.gphotos\picker-sessions.txt
                      Each night, sessions where you tapped Done are saved, then removed at Google and from the file;
                      sessions still open are kept for the next night; expired ones are dropped.
      Library         Items this OAuth client uploaded (the only ones Google's Library API shows since 2025).

    The run never waits for a person: it sets GPHOTOS_INTERACTIVE=0, so Connect-GPhotos uses the cached sign-in or
    fails at once with the command to run at the keyboard. Sign in once, interactively, before scheduling:
        Connect-GPhotos -ClientSecretPath C:\GPhotos\client_secret.json

    Save-GPhotosMediaItem's index (<Destination>\.gphotos) makes every run incremental: items already saved are
    skipped without a download, an interrupted run resumes, and a file never exists half-written.

    Exit codes: 0 everything saved or skipped; 1 some items failed (the rest were saved; see the log);
    2 the run could not start or stopped early (sign-in, daily quota, destination in use, bad arguments).

    INSTALL ON WINDOWS (Task Scheduler), in PowerShell at the keyboard, as the user who signed in:

        $script = 'C:\GPhotos\Backup-GooglePhotos.ps1'
        $arguments = "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$script`" " +
            '-Destination D:\PhotoBackup -Source PickerSessions -ClientSecretPath C:\GPhotos\client_secret.json'
        $action = New-ScheduledTaskAction -Execute 'pwsh.exe' -Argument $arguments
        $trigger = New-ScheduledTaskTrigger -Daily -At 3am
        $settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 12)
        $user = Get-Credential -UserName "$env:USERDOMAIN\$env:USERNAME" -Message 'Your Windows password, so the task runs while you are logged off'
        Register-ScheduledTask -TaskName 'GPhotos nightly backup' -Action $action -Trigger $trigger -Settings $settings `
            -User $user.UserName -Password $user.GetNetworkCredential().Password

    The task must run as the user who signed in, with a stored password (as above) or only while logged on
    (Register-ScheduledTask ... -User $env:USERNAME without -Password): the token cache is encrypted with that
    user's DPAPI key, which a task registered with -LogonType S4U ("do not store password") cannot use. For Windows
    PowerShell 5.1 use -Execute 'powershell.exe'. Run it once now and check the result:

        Start-ScheduledTask -TaskName 'GPhotos nightly backup'
        Get-ScheduledTaskInfo -TaskName 'GPhotos nightly backup' | Select-Object LastRunTime, LastTaskResult

    INSTALL ON LINUX OR MACOS (cron): run `crontab -e` as the user who signed in and add one line (cron has a short
    PATH, so give pwsh's full path; `command -v pwsh` shows it):

        30 3 * * * /usr/bin/pwsh -NoProfile -NonInteractive -File /home/me/gphotos/Backup-GooglePhotos.ps1 -Destination /srv/photos -Source Takeout -TakeoutPath /srv/takeout >/dev/null 2>&1

    Drop the redirection to have cron mail you the summary and errors. The log files are in the -LogFolder either way.

    The script's own files (its logs, the session list) are kept in <Destination>/.gphotos, beside the backup's
    index: they travel with the backup, and Test-GPhotosBackup, which lists every other file it does not know as
    "not in the index", knows that folder is GPhotos's. The last log line names the run's log file.

.PARAMETER Destination
    The backup folder. Created when missing.

.PARAMETER Source
    Takeout, PickerSessions or Library (see the description).

.PARAMETER ClientSecretPath
    The client_secret_*.json of your Google Cloud "Desktop app" OAuth client: the same file you signed in with.
    Needed for PickerSessions and Library, not for Takeout.

.PARAMETER TakeoutPath
    Takeout: the exports to read: files (wildcards allowed) or folders. A folder is searched (one level) for
    .zip/.tgz/.tar.gz/.tar parts and for extracted exports (folders named Takeout).

.PARAMETER SessionFile
    PickerSessions: the file with one picking session id per line.
    Default: <Destination>/.gphotos/picker-sessions.txt (an existing GPhotos-picker-sessions.txt in -Destination, the
    earlier default, is still read and moved there).

.PARAMETER Layout
    Folders below -Destination: Flat, Year, YearMonth (default) or YearMonthDay, by capture time (UTC).

.PARAMETER TokenCachePath
    The token cache folder, if Connect-GPhotos was given one when you signed in.

.PARAMETER LogFolder
    Where each run writes backup-<date>-<time>.log; the 60 newest are kept. Default: <Destination>/.gphotos/logs.

.PARAMETER ThrottleLimit
    Parallel downloads (1-64). Default 8.

.PARAMETER NoMetadata
    Do not write the <file>.json sidecars (written by default: capture time, location, people, albums, camera).

.PARAMETER NoMotionVideo
    Do not save the video part of motion photos (saved by default).

.PARAMETER ModulePath
    The GPhotos module to import: a name or the path of GPhotos.psd1. Default: GPhotos (the installed module).

.EXAMPLE
    ./Backup-GooglePhotos.ps1 -Destination D:\PhotoBackup -Source Takeout -TakeoutPath D:\Downloads\Takeout

    Backs up every Takeout export in D:\Downloads\Takeout. Run it again after the next export: only new items are
    written.

.EXAMPLE
    ./Backup-GooglePhotos.ps1 -Destination ~/PhotoBackup -Source PickerSessions -ClientSecretPath ~/.config/gphotos/client_secret.json

    Saves everything picked in the sessions listed in ~/PhotoBackup/.gphotos/picker-sessions.txt.

.EXAMPLE
    pwsh -NoProfile -NonInteractive -File ./Backup-GooglePhotos.ps1 -Destination /srv/photos -Source Library -ClientSecretPath ~/client_secret.json; echo "exit code $?"

    What the scheduler runs; the exit code says whether anything failed.

.LINK
    about_GPhotos

.LINK
    Save-GPhotosMediaItem
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $Destination,

    [ValidateSet('Takeout', 'PickerSessions', 'Library')]
    [string] $Source = 'Takeout',

    [string] $ClientSecretPath,

    [string[]] $TakeoutPath,

    [string] $SessionFile,

    [ValidateSet('Flat', 'Year', 'YearMonth', 'YearMonthDay')]
    [string] $Layout = 'YearMonth',

    [string] $TokenCachePath,

    [string] $LogFolder,

    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 8,

    [switch] $NoMetadata,

    [switch] $NoMotionVideo,

    [string] $ModulePath = 'GPhotos'
)

# Works in Windows PowerShell 5.1 and PowerShell 7.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

$Destination = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination)
# The script's own files go in the backup's .gphotos folder: Test-GPhotosBackup reports any other file it does not know.
$stateFolder = Join-Path $Destination '.gphotos'
if (-not $LogFolder) { $LogFolder = Join-Path $stateFolder 'logs' }
$null = New-Item -ItemType Directory -Force -Path $LogFolder
if (-not $SessionFile) {
    $SessionFile = Join-Path $stateFolder 'picker-sessions.txt'
    # The earlier default, in the backup's own folder: moved into .gphotos; if it cannot be moved, read where it is.
    $oldSessionFile = Join-Path $Destination 'GPhotos-picker-sessions.txt'
    if ((Test-Path -LiteralPath $oldSessionFile) -and -not (Test-Path -LiteralPath $SessionFile)) {
        try { Move-Item -LiteralPath $oldSessionFile -Destination $SessionFile } catch { $SessionFile = $oldSessionFile }
    }
}
$LogFile = Join-Path $LogFolder ('backup-{0:yyyyMMdd-HHmmss}.log' -f (Get-Date))

function Write-Log {
    param([string] $Message, [ValidateSet('INFO', 'WARN', 'ERROR')] [string] $Level = 'INFO')
    $line = '{0:yyyy-MM-dd HH:mm:ss} {1,-5} {2}' -f (Get-Date), $Level, $Message
    Add-Content -LiteralPath $LogFile -Value $line -Encoding UTF8
    # The console (and so cron's mail, or a person running it by hand) gets the same line.
    if ($Level -eq 'ERROR') { [Console]::Error.WriteLine($line) } else { Write-Host $line }
}

function Write-ErrorLog {
    param($ErrorRecord)
    $message = $ErrorRecord.Exception.Message
    $id = "$($ErrorRecord.FullyQualifiedErrorId)"
    $target = "$($ErrorRecord.TargetObject)"
    $line = if ($id -and $id -ne $message) { "$($id): $message" } else { $message } # a script's own throw has no id of its own
    if ($target -and $target -ne $message) { $line += " [$target]" }
    Write-Log -Level ERROR $line
}

$stats = @{ Saved = 0; Skipped = 0; Failed = 0; Bytes = [long]0 }
$saveParameters = @{
    Path               = $Destination
    Layout             = $Layout
    ThrottleLimit      = $ThrottleLimit
    Metadata           = -not $NoMetadata
    IncludeMotionVideo = -not $NoMotionVideo
    # Per-item failures are logged by Invoke-Save and the run goes on with the other items
    # (the script's own preference is Stop).
    ErrorAction        = 'Continue'
    WarningAction      = 'Continue'
}

function Invoke-Save {
    <#
        Streams the items that $List writes into Save-GPhotosMediaItem (nothing is collected in memory) and logs as
        it goes: saved files, warnings, and per-item errors of both the listing and the save (2>&1 3>&1 bring them
        into the same stream, in order). Returns $true when nothing failed. Terminating errors (sign-in, daily quota,
        destination in use) are thrown to the caller.
    #>
    param([scriptblock] $List)
    $failed = 0
    & { & $List | Save-GPhotosMediaItem @saveParameters } 2>&1 3>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { $failed++; $stats.Failed++; Write-ErrorLog $_ }
        elseif ($_ -is [System.Management.Automation.WarningRecord]) { Write-Log -Level WARN $_.Message }
        elseif ($_.Status -eq 'Saved') {
            $stats.Saved++
            $stats.Bytes += $_.Bytes
            Write-Log "saved $($_.RelativePath) ($($_.Reason), $($_.Bytes) bytes)"
        }
        else { $stats.Skipped++ }
    }
    $failed -eq 0
}

function Connect-FromCache {
    if (-not $ClientSecretPath) { throw "-ClientSecretPath is needed for -Source $($Source): the Desktop app OAuth client you signed in with." }
    $connect = @{ ClientSecretPath = $ClientSecretPath; ErrorAction = 'Stop' }
    if ($TokenCachePath) { $connect.TokenCachePath = $TokenCachePath }
    Connect-GPhotos @connect
    Write-Log 'Connected to Google Photos from the cached sign-in.'
}

function Get-TakeoutInput {
    foreach ($path in $TakeoutPath) {
        if (Test-Path -LiteralPath $path -PathType Container) {
            $found = @(Get-ChildItem -LiteralPath $path -File | Where-Object { $_.Name -match '\.(zip|tgz|tar\.gz|tar)$' } | ForEach-Object FullName)
            $found += @(Get-ChildItem -LiteralPath $path -Directory | Where-Object Name -EQ 'Takeout' | ForEach-Object FullName)
            if (Test-Path -LiteralPath (Join-Path $path 'Google Photos')) { $found += (Resolve-Path -LiteralPath $path).ProviderPath }
            $found
        }
        else { $path } # a file or a wildcard: Get-GPhotosMediaItem resolves it
    }
}

$exitCode = 0
$previousInteractive = $env:GPHOTOS_INTERACTIVE
$env:GPHOTOS_INTERACTIVE = '0' # never open a browser or wait for a person, however the script was started
try {
    Write-Log "GPhotos backup: source $Source, destination $Destination, layout $Layout."
    Import-Module $ModulePath -ErrorAction Stop
    Write-Log "GPhotos $((Get-Module GPhotos).Version) on PowerShell $($PSVersionTable.PSVersion)."

    switch ($Source) {
        'Takeout' {
            if (-not $TakeoutPath) { throw '-TakeoutPath is needed for -Source Takeout: the folder with your Takeout zips.' }
            $inputs = @(Get-TakeoutInput)
            if ($inputs.Count -eq 0) { Write-Log -Level WARN "No Takeout archives in $($TakeoutPath -join ', '). Nothing to do."; break }
            Write-Log "Reading Takeout: $($inputs -join ', ')"
            $null = Invoke-Save { Get-GPhotosMediaItem -TakeoutPath $inputs -ErrorAction Continue }
        }
        'Library' {
            Connect-FromCache
            $null = Invoke-Save { Get-GPhotosMediaItem -ErrorAction Continue }
        }
        'PickerSessions' {
            Connect-FromCache
            $ids = @(if (Test-Path -LiteralPath $SessionFile) { Get-Content -LiteralPath $SessionFile | ForEach-Object Trim | Where-Object { $_ -and -not $_.StartsWith('#') } })
            if ($ids.Count -eq 0) { Write-Log "No picking sessions in $SessionFile. Add one with: (New-GPhotosPickerSession).Id | Add-Content '$SessionFile'"; break }
            $keep = [System.Collections.Generic.List[string]]::new()
            foreach ($id in $ids) {
                $sessionErrors = $null
                $session = Get-GPhotosPickerSession -SessionId $id -ErrorAction SilentlyContinue -ErrorVariable sessionErrors
                if (-not $session) {
                    Write-Log -Level WARN "Session $id is gone (expired or removed); dropped from the list. $(@($sessionErrors)[0])"
                    continue
                }
                if (-not $session.MediaItemsSet) {
                    Write-Log "Session $id is still waiting for Done in the picker (expires $($session.ExpireTime)); kept for the next run."
                    $keep.Add($id)
                    continue
                }
                Write-Log "Saving the items picked in session $id."
                if (Invoke-Save { Get-GPhotosMediaItem -SessionId $id -ErrorAction Continue }) {
                    # Only now: removing a session kills its items' download links.
                    Remove-GPhotosPickerSession -SessionId $id -Confirm:$false
                    Write-Log "Session $id saved completely and removed."
                }
                else {
                    Write-Log -Level WARN "Session $id had failures; kept so the next run retries them while it lives."
                    $keep.Add($id)
                }
            }
            Set-Content -LiteralPath $SessionFile -Value $keep -Encoding UTF8
        }
    }
    if ($stats.Failed -gt 0) { $exitCode = 1 }
}
catch {
    # Terminating: not signed in (or the sign-in expired), daily quota spent, destination in use, bad arguments.
    Write-ErrorLog $_
    $exitCode = 2
}
finally {
    $env:GPHOTOS_INTERACTIVE = $previousInteractive
    $mb = [math]::Round($stats.Bytes / 1MB, 1)
    Write-Log ("Done: {0} saved ({1} MB), {2} already there, {3} failed. Exit code {4}. Log: {5}" -f $stats.Saved, $mb, $stats.Skipped, $stats.Failed, $exitCode, $LogFile)
    Get-ChildItem -LiteralPath $LogFolder -Filter 'backup-*.log' | Sort-Object Name -Descending | Select-Object -Skip 60 | Remove-Item -ErrorAction SilentlyContinue
}
exit $exitCode
