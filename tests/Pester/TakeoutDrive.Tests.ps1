BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:emu = Start-TestEmulator
    $env:GPHOTOS_EMULATOR_HOST = $emu.HostPort
    # Sidecars and media headers read from Drive are kept here (not in the user's cache) between exports.
    $env:GPHOTOS_TAKEOUT_CACHE = Join-Path ([IO.Path]::GetTempPath()) "gphotos-pester-entry-cache-$PID"
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    # Until Connect-GPhotos -Drive is merged: a token with Drive scope, as TakeoutArchive.Tests.ps1 gets one.
    function Connect-Drive {
        Connect-GPhotos -AccessToken (New-TestToken $emu -Scope @('https://www.googleapis.com/auth/drive.readonly')).accessToken
    }
    function Add-DriveExport([hashtable] $Body) {
        $b = @{ parts = 3; exportTime = [DateTime]::UtcNow.AddHours(-3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") }
        foreach ($k in $Body.Keys) { $b[$k] = $Body[$k] }
        Invoke-Emulator $emu 'drive/exports' -Method Post -Body $b
    }
    function Get-Counters { Invoke-Emulator $emu 'drive/counters' }
    function Stop-WhenStalled([powershell] $PS, [string] $What) {
        <# Starts $PS, waits until a Drive body stalls under it, then does what Ctrl+C does (StopProcessing on the
           running command); returns how long the stop took. #>
        $async = $PS.BeginInvoke()
        $wait = [Diagnostics.Stopwatch]::StartNew()
        while ((Get-Counters).faultsInjected.PSObject.Properties.Count -eq 0 -and -not $async.IsCompleted -and $wait.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 50 }
        Start-Sleep -Milliseconds 300
        $async.IsCompleted | Should -BeFalse -Because "$What is waiting for a stalled Drive body"
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $PS.Stop()
        $clock.Elapsed
    }
    function Clear-Counters { Invoke-Emulator $emu 'drive/counters' -Method Delete | Out-Null }
    # The generator's own copy of an export's parts (what a user who downloaded them would have).
    function Get-LocalParts($export) {
        @(Get-ChildItem (Split-Path $export.manifestPath) -File | Where-Object { $_.Name -match '\.(zip|tgz)$' } | Sort-Object Name | ForEach-Object FullName)
    }
}

AfterAll {
    Disconnect-GPhotos -ErrorAction SilentlyContinue
    Stop-TestEmulator $emu
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue
    Remove-Item $env:GPHOTOS_TAKEOUT_CACHE -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item Env:GPHOTOS_TAKEOUT_CACHE -ErrorAction SilentlyContinue
}

Describe 'Takeout read in place from Google Drive' {
    BeforeAll {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        Connect-Drive
        $script:first = Add-DriveExport @{ items = 60; seed = 5 }
        $script:dest = Join-Path $TestDrive 'backup'
    }

    It 'gives the same items as the local copy of the export' {
        $remote = @(Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem -WarningAction SilentlyContinue)
        $local = @(Get-GPhotosMediaItem -TakeoutPath (Get-LocalParts $first) -WarningAction SilentlyContinue)
        $remote.Count | Should -BeGreaterThan 0
        $remote.Count | Should -Be $local.Count
        $props = 'Id', 'Filename', 'Source', 'Latitude', 'Longitude', 'TakeoutEntry', 'Size', 'IsFavorite'
        $l = $local | Sort-Object Id | Select-Object ($props + @{ n = 'Created'; e = { $_.MediaMetadata.CreationTime } }, @{ n = 'Albums'; e = { $_.Albums -join '|' } })
        $r = $remote | Sort-Object Id | Select-Object ($props + @{ n = 'Created'; e = { $_.MediaMetadata.CreationTime } }, @{ n = 'Albums'; e = { $_.Albums -join '|' } })
        ($r | ConvertTo-Json -Depth 3) | Should -Be ($l | ConvertTo-Json -Depth 3)
        $remote | ForEach-Object { $_.TakeoutArchive | Should -BeLike 'drive:*' }
    }

    It 'a first backup from Drive saves every item bit for bit' {
        $results = @(Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem -WarningAction SilentlyContinue |
            Save-GPhotosMediaItem -Path $dest -WarningAction SilentlyContinue)
        $manifest = Get-Content $first.manifestPath -Raw | ConvertFrom-Json
        $results.Count | Should -Be $manifest.Expected.Items
        @($results | Where-Object Status -ne 'Saved').Count | Should -Be 0
        foreach ($r in $results) {
            $e = $manifest.Items | Where-Object Id -EQ $r.Id
            (Get-FileHash $r.Path).Hash | Should -Be $e.Sha256
        }
    }

    It 'a second export with new items saves only the new ones; a re-run saves nothing' {
        # A later export time: two exports with one time would be one export to Get-GPhotosTakeoutArchive.
        $second = Add-DriveExport @{ newItems = 3; exportTime = [DateTime]::UtcNow.AddHours(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") }
        Clear-Counters
        $results = @(Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem -WarningAction SilentlyContinue |
            Save-GPhotosMediaItem -Path $dest -WarningAction SilentlyContinue)
        $c = Get-Counters
        $size = ($second.parts | Measure-Object size -Sum).Sum
        Write-Host "Second export: $($second.parts.Count) parts, $size bytes; fetched $($c.mediaBytesServed) bytes in $($c.totalRequests) requests"
        @($results | Where-Object Status -eq 'Saved').Count | Should -Be 3
        @($results | Where-Object Status -eq 'Skipped').Count | Should -Be ($results.Count - 3)
        # Issue 14's request target: 2 per new item + 3 per part + 10 (its byte target is asserted by the core test
        # DriveTakeoutReadTests and measured by the Drive benchmark).
        $c.totalRequests | Should -BeLessOrEqual (2 * 3 + 3 * $second.parts.Count + 10)

        Clear-Counters
        $again = @(Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem -WarningAction SilentlyContinue |
            Save-GPhotosMediaItem -Path $dest -WarningAction SilentlyContinue)
        $c = Get-Counters
        Write-Host "Re-run: fetched $($c.mediaBytesServed) bytes in $($c.totalRequests) requests"
        $again.Status | Sort-Object -Unique | Should -Be 'Skipped'
        # Directories only: the listing (2 requests), then per part a metadata check, its last 1 KB (the end records)
        # and the rest of its central directory, exactly (not a 64 KB tail, most of it entry data never used).
        $c.totalRequests | Should -BeLessOrEqual (2 + 3 * $second.parts.Count)
    }
}

Describe 'A backup made from downloaded parts, continued from Drive' {
    It 'recognises every item saved from the local copy of the same export (no second copy under a new name)' {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        Connect-Drive
        $export = Add-DriveExport @{ items = 40; seed = 9 }
        $dest = Join-Path $TestDrive 'from-local'
        # What a user of 0.1.0 did: the parts downloaded by hand, read with -TakeoutPath.
        $first = @(Get-GPhotosMediaItem -TakeoutPath (Get-LocalParts $export) -WarningAction SilentlyContinue | Save-GPhotosMediaItem -Path $dest -WarningAction SilentlyContinue)
        @($first | Where-Object Status -eq 'Saved').Count | Should -Be $first.Count
        $files = @(Get-ChildItem $dest -Recurse -File).Count
        $again = @(Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem -WarningAction SilentlyContinue | Save-GPhotosMediaItem -Path $dest -WarningAction SilentlyContinue)
        $again.Count | Should -Be $first.Count
        $again.Status | Sort-Object -Unique | Should -Be 'Skipped'
        @(Get-ChildItem $dest -Recurse -File).Count | Should -Be $files
    }
}

Describe 'Drive faults while reading Takeout' {
    BeforeEach {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        Connect-Drive
        $script:export = Add-DriveExport @{ items = 30; parts = 2 }
        $script:parts = @(Get-GPhotosTakeoutArchive -Latest)
    }

    It 'a part replaced after listing fails its items, each naming item and part; the other part is saved' {
        $items = @($parts | Get-GPhotosMediaItem -WarningAction SilentlyContinue)
        $victim = $export.parts[0]
        # Replaced between reading the listing and saving (a new listing would pin the new version).
        Invoke-Emulator $emu "drive/files/$($victim.id)/replace" -Method Post -Body @{} | Out-Null
        $saved = @($items | Save-GPhotosMediaItem -Path (Join-Path $TestDrive 'replaced') -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $errs.Count | Should -BeGreaterThan 0
        "$($errs[0])" | Should -BeLike "*$($victim.name)*changed*Get-GPhotosTakeoutArchive*"
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveUnreadable,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ReadError'
        @($saved | Where-Object Status -eq 'Saved').Count | Should -BeGreaterThan 0
        @($saved | Where-Object { $_.Status -eq 'Saved' -and $_.Item.TakeoutArchive -like "*$($victim.id)*" }).Count | Should -Be 0
    }

    It 'a range ignored by Drive is an error for that part, read no further' {
        $victim = $export.parts[0]
        Invoke-Emulator $emu 'drive/faults' -Method Post -Body @{ rules = @(@{ kind = 'rangeIgnored'; target = 'media'; fileId = $victim.id; count = 1000 }) } | Out-Null
        $items = @($parts | Get-GPhotosMediaItem -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveUnreadable*'
        $errs[0].CategoryInfo.Category | Should -Be 'ReadError'
        "$($errs[0])" | Should -BeLike "*ignored the byte range*$($victim.name)*again later*Get-GPhotosMediaItem -TakeoutPath*"
        $items.Count | Should -BeGreaterThan 0
        @($items | Where-Object TakeoutArchive -like "*$($victim.id)*").Count | Should -Be 0
    }
}

Describe 'Drive errors a user sees say what to do' {
    BeforeEach {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        Connect-Drive
        $script:export = Add-DriveExport @{ items = 20; parts = 2 }
        $script:parts = @(Get-GPhotosTakeoutArchive -Latest)
        $script:victim = $export.parts[0]
    }

    It 'downloadQuotaExceeded: an error per item of that part saying when to retry; the other part is saved' {
        $items = @($parts | Get-GPhotosMediaItem -WarningAction SilentlyContinue)
        Invoke-Emulator $emu 'drive/faults' -Method Post -Body @{ rules = @(@{ kind = 'downloadQuotaExceeded'; target = 'media'; fileId = $victim.id; count = 1000 }) } | Out-Null
        $saved = @($items | Save-GPhotosMediaItem -Path (Join-Path $TestDrive 'quota') -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $errs.Count | Should -BeGreaterThan 0
        $errs | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveUnreadable,*'
            $_.CategoryInfo.Category | Should -Be 'ReadError'
            "$_" | Should -BeLike "*$($victim.name)*downloadQuotaExceeded*within 24 hours*again tomorrow*"
        }
        @($saved | Where-Object { $_.Status -eq 'Saved' -and $_.Item.TakeoutArchive -like "*$($export.parts[1].id)*" }).Count | Should -BeGreaterThan 0
    }

    It 'a file Drive flagged as abusive: an error for that part saying how to read it anyway' {
        Invoke-Emulator $emu "drive/files/$($victim.id)" -Method Post -Body @{ abusive = $true } | Out-Null
        $items = @($parts | Get-GPhotosMediaItem -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveUnreadable,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ReadError'
        "$($errs[0])" | Should -BeLike "*$($victim.name)*cannotDownloadAbusiveFile*Get-GPhotosMediaItem -TakeoutPath*"
        @($items | Where-Object TakeoutArchive -like "*$($export.parts[1].id)*").Count | Should -BeGreaterThan 0
    }

    It 'a part deleted after listing: an error for that part saying to list the exports again' {
        Invoke-Emulator $emu "drive/files/$($victim.id)" -Method Delete | Out-Null
        $items = @($parts | Get-GPhotosMediaItem -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveUnreadable,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ReadError'
        "$($errs[0])" | Should -BeLike "*$($victim.name)*Get-GPhotosTakeoutArchive*"
        @($items | Where-Object TakeoutArchive -like "*$($export.parts[1].id)*").Count | Should -BeGreaterThan 0
    }

    It 'a sign-in revoked mid-run stops the run with the Connect-GPhotos command that brings Drive back' {
        $token = (New-TestToken $emu -Scope @('https://www.googleapis.com/auth/drive.readonly')).accessToken
        Connect-GPhotos -AccessToken $token
        $items = @($parts | Get-GPhotosMediaItem -WarningAction SilentlyContinue)
        # Google revokes the grant (the user removed the app's access): the next Drive request gets 401.
        Invoke-RestMethod -Method Post "$($emu.Url)/revoke" -Body @{ token = $token } | Out-Null
        $err = $null
        try { $items | Save-GPhotosMediaItem -Path (Join-Path $TestDrive 'revoked') -ErrorAction Stop -WarningAction SilentlyContinue | Out-Null }
        catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'AuthenticationExpired,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$err" | Should -BeLike '*Connect-GPhotos*-Drive*'
    }
}

Describe 'Ctrl+C while a Drive read is stalled' {
    It 'stops Get-GPhotosMediaItem -TakeoutArchive within a second' {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        $token = (New-TestToken $emu -Scope @('https://www.googleapis.com/auth/drive.readonly')).accessToken
        Connect-GPhotos -AccessToken $token
        Add-DriveExport @{ items = 30; parts = 2 } | Out-Null
        $parts = @(Get-GPhotosTakeoutArchive -Latest)
        # Every Drive body stalls for 30 s after its first bytes (the idle timeout would end it only after that).
        Invoke-Emulator $emu 'drive/faults' -Method Post -Body @{ rules = @(@{ kind = 'stall'; target = 'media'; count = 1000; delayMs = 30000 }) } | Out-Null
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Token, $Parts)
                    $env:GPHOTOS_TAKEOUT_CACHE = 'off'
                    Import-Module $Module
                    Connect-GPhotos -AccessToken $Token
                    $Parts | Get-GPhotosMediaItem -WarningAction SilentlyContinue
                }).AddArgument($env:GPHOTOS_TEST_MODULE).AddArgument($token).AddArgument($parts)
            (Stop-WhenStalled $ps 'the read').TotalSeconds | Should -BeLessThan 1
        }
        finally {
            Invoke-Emulator $emu 'drive/faults' -Method Delete | Out-Null
            $ps.Dispose()
        }
    }

    It 'stops Save-GPhotosMediaItem streaming from Drive within a second, leaving no file half-written' {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        $token = (New-TestToken $emu -Scope @('https://www.googleapis.com/auth/drive.readonly')).accessToken
        Connect-GPhotos -AccessToken $token
        # Photos of 2 MB: each body is several blocks, so a stall leaves a file partly written in .gphotos/tmp.
        Add-DriveExport @{ items = 12; parts = 1; photoSize = 2000000; videoSize = 2000000 } | Out-Null
        $items = @(Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem -WarningAction SilentlyContinue)
        $saveDest = Join-Path $TestDrive 'stopped-save'
        Invoke-Emulator $emu 'drive/faults' -Method Post -Body @{ rules = @(@{ kind = 'stall'; target = 'media'; count = 1000; delayMs = 30000 }) } | Out-Null
        $ps = [powershell]::Create()
        try {
            # The items were listed in this runspace: Save in another one streams them from Drive all the same.
            $null = $ps.AddScript({
                    param($Module, $Token, $Items, $Dest)
                    Import-Module $Module
                    Connect-GPhotos -AccessToken $Token
                    $Items | Save-GPhotosMediaItem -Path $Dest -WarningAction SilentlyContinue
                }).AddArgument($env:GPHOTOS_TEST_MODULE).AddArgument($token).AddArgument($items).AddArgument($saveDest)
            (Stop-WhenStalled $ps 'Save').TotalSeconds | Should -BeLessThan 1
            # Atomic: a stopped Save leaves no temp file behind and no final name holding part of a photo.
            @(Get-ChildItem (Join-Path $saveDest '.gphotos/tmp') -File -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
            $manifest = Get-Content ((Invoke-Emulator $emu 'drive/exports').exports[-1].manifestPath) -Raw | ConvertFrom-Json
            foreach ($f in @(Get-ChildItem $saveDest -Recurse -File | Where-Object FullName -NotLike '*.gphotos*')) {
                (Get-FileHash $f.FullName).Hash | Should -BeIn @($manifest.Items.Sha256) -Because "$($f.Name) is whole"
            }
        }
        finally {
            Invoke-Emulator $emu 'drive/faults' -Method Delete | Out-Null
            $ps.Dispose()
        }
    }
}

Describe 'examples/Backup-TakeoutFromDrive.ps1, end to end' {
    It 'runs unattended from a cached sign-in: saves the export, removes it from Drive once verified, then has nothing to do' -Skip:($IsWindows) {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        $export = Add-DriveExport @{ items = 20; parts = 2 }
        $work = Join-Path $TestDrive 'example'
        New-Item -ItemType Directory $work | Out-Null
        $secret = Join-Path $work 'client_secret.json'
        Set-Content $secret '{"installed":{"client_id":"example-test.apps.googleusercontent.com","client_secret":"example-secret"}}'
        $cache = Join-Path $work 'tokens'
        $dest = Join-Path $work 'backup'
        $browser = Join-Path $work 'fake-browser.sh'
        Set-Content $browser "#!/bin/sh`ncurl -s -L -o /dev/null `"`$1`"`n"
        chmod +x $browser
        # No entry cache of this computer: the script keeps it in the backup.
        $envs = @{ GPHOTOS_EMULATOR_HOST = $emu.HostPort; GPHOTOS_TAKEOUT_CACHE = '' }

        # Once, at the keyboard: the sign-in with Drive write access, as the example's help says.
        $signIn = Invoke-ChildPwsh -Interactive -Environment ($envs + @{ GPHOTOS_BROWSER = $browser; GPHOTOS_INTERACTIVE = '1'; SECRET = $secret; CACHE = $cache }) -Script @'
Import-Module $env:GPHOTOS_TEST_MODULE
Connect-GPhotos -ClientSecretPath $env:SECRET -TokenCachePath $env:CACHE -DriveWrite | Out-Null
'@
        $signIn.ExitCode | Should -Be 0 -Because $signIn.Error

        # Then what the scheduler runs, twice.
        $example = Join-Path $PSScriptRoot '../../examples/Backup-TakeoutFromDrive.ps1'
        $run = {
            Invoke-ChildPwsh -Environment ($envs + @{ EXAMPLE = $example; SECRET = $secret; CACHE = $cache; DEST = $dest }) -Script @'
& $env:EXAMPLE -Destination $env:DEST -ClientSecretPath $env:SECRET -TokenCachePath $env:CACHE -ModulePath $env:GPHOTOS_TEST_MODULE -RemoveVerified
exit $LASTEXITCODE
'@
        }
        $first = & $run
        $first.ExitCode | Should -Be 0 -Because "$($first.Output)`n$($first.Error)"
        $manifest = Get-Content $export.manifestPath -Raw | ConvertFrom-Json
        $first.Output | Should -Match "Saved $($manifest.Expected.Items), already there 0, failed 0\."
        $first.Output | Should -Match ': Removed \('
        foreach ($i in $manifest.Items | Where-Object { -not $_.IsTrashed }) {
            @(Get-ChildItem $dest -Recurse -File | Where-Object Length -EQ $i.Size | Get-FileHash | Where-Object Hash -EQ $i.Sha256).Count |
                Should -BeGreaterThan 0 -Because "$($i.Filename) is saved bit for bit"
        }
        @((Invoke-Emulator $emu 'drive/files').files | Where-Object name -Like 'takeout-*').Count | Should -Be 0
        $logs = @(Get-ChildItem (Join-Path $dest '.gphotos/logs') -Filter 'takeout-*.log')
        $logs.Count | Should -Be 1
        $first.Output | Should -Match ('Log: ' + [regex]::Escape($logs[0].FullName))
        # The example's own files are where our checker knows they are ours: following the example gives no "problem".
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $true
        Test-Path (Join-Path $dest '.gphotos/takeout-cache/entries.jsonl') | Should -BeTrue

        # Two months later: the next export repeats the library with 2 new items. What the first run read is in the
        # backup, so only the new items are fetched (issue 14's bound: 2 per new item + 3 per part + 10 requests).
        $next = Add-DriveExport @{ newItems = 2; parts = 2; exportTime = [DateTime]::UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") }
        Clear-Counters
        $second = & $run
        $second.ExitCode | Should -Be 0 -Because "$($second.Output)`n$($second.Error)"
        $second.Output | Should -Match 'Saved 2, already there \d+, failed 0\.'
        (Get-Counters).requests.'drive.files.media' | Should -BeLessOrEqual (2 * 2 + 3 * $next.parts.Count + 10)

        $third = & $run
        $third.ExitCode | Should -Be 0 -Because "$($third.Output)`n$($third.Error)"
        $third.Output | Should -Match 'No Takeout export in Google Drive yet: nothing to do\.'
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $true
    }
}
