<#
.SYNOPSIS
    Recipe: save only your videos, to free Google storage quota, and list what is safe to delete by hand.

.DESCRIPTION
    Videos usually take most of a Google account's storage. This script saves just the videos, checks every saved
    file, and writes a CSV list of what was saved (with the Google Photos link of each item where Google gives one)
    so you can delete those videos yourself.

    Be clear about what it cannot do: GPhotos does NOT delete anything from Google Photos, and no tool that uses
    Google's API can. The Library API cannot delete media items, and the Picker API is read-only. Freeing the space is
    a manual step in the Google Photos app or at https://photos.google.com:
      1. Search for "Videos" (or open the videos in the list this script writes).
      2. Select the videos that the list says were saved, and move them to the trash.
      3. Empty the trash (Collections, Trash, Empty trash); otherwise they keep using storage for 60 days.
    Storage is freed only when the trash is emptied.

    Which source to use:
      -TakeoutPath  Recommended before deleting: Takeout gives the ORIGINAL video files, byte for byte, with their
                    metadata and location. Ask for an export of Google Photos at https://takeout.google.com.
      -Pick         Choose the videos in Google's picker (search "Videos" there). Quick, but through the API Google
                    serves a video as its processed version (=dv), which can differ from the original you uploaded
                    in size and quality. Keep that in mind before deleting the original from Google.

    Videos Google is still processing are not saved (you would only get a thumbnail); they are listed as not saved.
    Run the script again later for them. It is incremental: videos already in -Destination are skipped.

.PARAMETER Destination
    Where the videos go (into year folders). Created when missing.

.PARAMETER TakeoutPath
    The parts of a Google Takeout export (zips, .tgz, extracted folders; wildcards allowed).

.PARAMETER Pick
    Pick the videos in Google Photos' picker instead (needs -ClientSecretPath or an existing connection).

.PARAMETER ClientSecretPath
    With -Pick: your Desktop app OAuth client's JSON file, for Connect-GPhotos.

.PARAMETER ModulePath
    The GPhotos module to import: a name or the path of GPhotos.psd1. Default: GPhotos.

.EXAMPLE
    ./Save-VideosOnly.ps1 -Destination E:\Videos -TakeoutPath D:\Takeout\takeout-*.zip

    Saves every video of the export into E:\Videos\<year>, and writes E:\Videos\.gphotos\logs\videos-saved-<date>.csv
    (in the backup's own .gphotos folder, so Test-GPhotosBackup does not report it as a file the index does not know).

.EXAMPLE
    ./Save-VideosOnly.ps1 -Destination ~/Videos -Pick -ClientSecretPath ~/.config/gphotos/client_secret.json

    Opens Google's picker; pick videos, tap Done; the picked videos are saved.

.LINK
    about_GPhotos
#>
[CmdletBinding(DefaultParameterSetName = 'Takeout')]
param(
    [Parameter(Mandatory)]
    [string] $Destination,

    [Parameter(Mandatory, ParameterSetName = 'Takeout')]
    [string[]] $TakeoutPath,

    [Parameter(Mandatory, ParameterSetName = 'Pick')]
    [switch] $Pick,

    [Parameter(ParameterSetName = 'Pick')]
    [string] $ClientSecretPath,

    [string] $ModulePath = 'GPhotos'
)

# Works in Windows PowerShell 5.1 and PowerShell 7.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0
Import-Module $ModulePath -ErrorAction Stop
$Destination = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Destination)

if ($Pick) {
    if ($ClientSecretPath) { Connect-GPhotos -ClientSecretPath $ClientSecretPath }
    Write-Host 'In the picker, search for "Videos", select the videos to save, then tap Done.' -ForegroundColor Cyan
    $list = { Get-GPhotosMediaItem -Pick }
}
else {
    $list = { Get-GPhotosMediaItem -TakeoutPath $TakeoutPath }
}

# Streamed: items are filtered and saved as they are read; only the results (videos) are kept.
$saveErrors = $null; $notReady = $null
$results = @(& $list | Where-Object IsVideo |
        Save-GPhotosMediaItem -Path $Destination -Layout Year -Metadata -ErrorAction Continue -ErrorVariable saveErrors -WarningVariable notReady)

# Check each saved file: there, and as long as the save said.
$rows = foreach ($r in $results) {
    $file = Get-Item -LiteralPath $r.Path -ErrorAction SilentlyContinue
    [pscustomobject]@{
        Verified     = [bool]($file -and $file.Length -eq $r.Bytes -and $r.Bytes -gt 0)
        Filename     = $r.Item.Filename
        CreationTime = $r.Item.CreationTime
        Bytes        = $r.Bytes
        SavedTo      = $r.Path
        GooglePhotos = $r.Item.ProductUrl # the item in Google Photos (Library and Picker items; Takeout when known)
        Id           = $r.Id
    }
}
$rows = @($rows)
# The list goes in the backup's .gphotos folder: Test-GPhotosBackup reports any other file it does not know.
$logFolder = Join-Path (Join-Path $Destination '.gphotos') 'logs'
$list = Join-Path $logFolder ('videos-saved-{0:yyyyMMdd-HHmmss}.csv' -f (Get-Date))
if ($rows.Count) {
    $null = New-Item -ItemType Directory -Force -Path $logFolder
    $rows | Export-Csv -LiteralPath $list -NoTypeInformation -Encoding UTF8
}

$verified = @($rows | Where-Object Verified)
$gb = [math]::Round((($verified | Measure-Object -Property Bytes -Sum).Sum) / 1GB, 2)
$notSaved = @($saveErrors | Where-Object { $_ }).Count + @($notReady | Where-Object { $_ }).Count

Write-Host ''
Write-Host "$($verified.Count) video(s) saved and verified ($gb GB) in $Destination." -ForegroundColor Green
if ($rows.Count) { Write-Host "The list is in $list." }
if ($rows.Count -ne $verified.Count) { Write-Warning "$($rows.Count - $verified.Count) saved file(s) did not verify; do NOT delete those from Google. See the Verified column." }
if ($notSaved) { Write-Warning "$notSaved video(s) were not saved (errors or still processing at Google, see above). Do NOT delete those from Google; run this again later." }
Write-Host ''
Write-Host 'To free the storage: GPhotos cannot delete from Google Photos (the API has no way to). Delete the saved videos' -ForegroundColor Yellow
Write-Host 'yourself at https://photos.google.com (search "Videos", select, move to trash), then empty the trash.' -ForegroundColor Yellow
if ($Pick -and $results.Count) {
    if ($notSaved -or $rows.Count -ne $verified.Count) {
        Write-Warning "The picking session is kept so a second run (Get-GPhotosMediaItem -SessionId $($results[0].Item.SessionId)) can retry while it lives."
    }
    else {
        # Only after every download: removing the session kills its download links.
        $results | ForEach-Object Item | Remove-GPhotosPickerSession -Confirm:$false
    }
}
if ($notSaved -or $rows.Count -ne $verified.Count) { exit 1 }
