BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:emu = Start-TestEmulator
    $env:GPHOTOS_EMULATOR_HOST = $emu.HostPort
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    $script:DriveRead = 'https://www.googleapis.com/auth/drive.readonly'

    function Connect-Drive([string[]] $Scope = @($DriveRead)) {
        Connect-GPhotos -AccessToken (New-TestToken $emu -Scope $Scope).accessToken
    }
    function Get-ExportTime([double] $DaysAgo) { [DateTime]::UtcNow.AddDays(-$DaysAgo).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") }
    function Add-DriveExport([double] $DaysAgo, [int] $Parts = 2, [hashtable] $More = @{}) {
        $body = @{ parts = $Parts; exportTime = (Get-ExportTime $DaysAgo) } + $More
        Invoke-Emulator $emu 'drive/exports' -Method Post -Body $body
    }
}

AfterAll {
    Disconnect-GPhotos -ErrorAction SilentlyContinue
    Stop-TestEmulator $emu
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue
}

Describe 'Get-GPhotosTakeoutArchive in Google Drive' {
    BeforeEach {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        Connect-Drive
    }

    It 'lists every part, newest export first, with Drive ids, md5 and sizes' {
        $old = Add-DriveExport -DaysAgo 40 -Parts 2
        $new = Add-DriveExport -DaysAgo 3 -Parts 3
        $parts = @(Get-GPhotosTakeoutArchive -WarningVariable warnings)
        $parts.Count | Should -Be 5
        $parts | ForEach-Object { $_ | Should -BeOfType GPhotos.Model.TakeoutArchive }
        @($parts[0..2].Name) | Should -Be @($new.parts.name)
        @($parts[0..2].PartNumber) | Should -Be @(1, 2, 3)
        @($parts[3..4].Name) | Should -Be @($old.parts.name)
        ($parts[0..2].ExportId | Select-Object -Unique) | Should -Be "takeout-$($new.exportTime.ToLowerInvariant())"
        foreach ($p in $parts) {
            $listed = @($new.parts) + @($old.parts) | Where-Object id -eq $p.DriveFileId
            $p.Location | Should -Be 'Drive'
            $p.Size | Should -Be $listed.size
            $p.Md5 | Should -Be $listed.md5Checksum
            $p.IsComplete | Should -BeTrue
            $p.Path | Should -BeNullOrEmpty
        }
        $warnings | Should -BeNullOrEmpty
    }

    It '-Latest gives only the newest export' {
        Add-DriveExport -DaysAgo 40 -Parts 2 | Out-Null
        $new = Add-DriveExport -DaysAgo 3 -Parts 3
        $parts = @(Get-GPhotosTakeoutArchive -Latest)
        @($parts.Name) | Should -Be @($new.parts.name)
    }

    It 'warns when the newest export is older than the 2-month schedule allows, saying what to do' {
        $old = Add-DriveExport -DaysAgo 100 -Parts 1
        $parts = @(Get-GPhotosTakeoutArchive -WarningVariable warnings -WarningAction SilentlyContinue)
        $parts.Count | Should -Be 1
        $stale = @($warnings | Where-Object { "$_" -like '*every 2 months*' })
        $stale.Count | Should -Be 1
        "$($stale[0])" | Should -BeLike "*takeout-$($old.exportTime.ToLowerInvariant())*"
        "$($stale[0])" | Should -BeLike '*takeout.google.com*'
    }

    It 'marks an export whose parts are still arriving as not complete, with a warning naming it' {
        $arriving = Add-DriveExport -DaysAgo (5 / 1440) -Parts 3 -More @{ arrivalIntervalSeconds = 600 }
        $parts = @(Get-GPhotosTakeoutArchive -WarningVariable warnings -WarningAction SilentlyContinue)
        $parts.Count | Should -Be 1
        $parts[0].IsComplete | Should -BeFalse
        $parts[0].Completeness | Should -BeLike '*still be arriving*'
        @($warnings | Where-Object { "$_" -like "*takeout-$($arriving.exportTime.ToLowerInvariant())*not complete*" }).Count | Should -Be 1
    }

    It 'backs off Drive''s 403 rate limits instead of failing' {
        Add-DriveExport -DaysAgo 3 -Parts 2 | Out-Null
        Invoke-Emulator $emu 'drive/faults' -Method Post -Body @{ rules = @(@{ kind = 'userRateLimitExceeded'; target = 'list'; count = 2 }) } | Out-Null
        @(Get-GPhotosTakeoutArchive).Count | Should -Be 2
        (Invoke-Emulator $emu 'drive/counters').faultsInjected.userRateLimitExceeded | Should -Be 2
    }

    It 'fails at once without Drive access, with the Connect-GPhotos command to run' {
        Add-DriveExport -DaysAgo 3 -Parts 1 | Out-Null
        Connect-Drive -Scope 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly'
        $err = { Get-GPhotosTakeoutArchive -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DriveAccessMissing,*'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.Exception.Message | Should -BeLike '*Connect-GPhotos -ClientSecretPath <path> -Drive*'
    }

    It 'warns, naming the Takeout folder, when Drive holds no export' {
        $parts = @(Get-GPhotosTakeoutArchive -WarningVariable warnings -WarningAction SilentlyContinue)
        $parts.Count | Should -Be 0
        @($warnings | Where-Object { "$_" -like '*No Takeout exports in Google Drive*folder named Takeout*' }).Count | Should -Be 1
    }

    It 'says how to connect when there is no connection' {
        Disconnect-GPhotos
        $err = { Get-GPhotosTakeoutArchive -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}

Describe 'Get-GPhotosTakeoutArchive -Path' {
    BeforeAll {
        Disconnect-GPhotos -ErrorAction SilentlyContinue
        $script:folder = Join-Path $TestDrive 'exports'
        New-Item -ItemType Directory -Path $folder | Out-Null
        $script:old = [DateTime]::UtcNow.AddDays(-30).ToString("yyyyMMdd'T'HHmmss'Z'")
        $script:new = [DateTime]::UtcNow.AddDays(-2).ToString("yyyyMMdd'T'HHmmss'Z'")
        foreach ($name in "takeout-$old-001.zip", "takeout-$old-002.tgz", "takeout-$new-001.zip", "takeout-$new-003.zip", 'notes.txt') {
            $path = Join-Path $folder $name
            [IO.File]::WriteAllBytes($path, [byte[]]::new(1000))
            (Get-Item $path).LastWriteTimeUtc = [DateTime]::UtcNow.AddDays(-1)
        }
    }

    It 'lists local parts as the same type, newest export first, without a sign-in' {
        $parts = @(Get-GPhotosTakeoutArchive -Path $folder -WarningAction SilentlyContinue)
        $parts.Count | Should -Be 4
        @($parts.Name) | Should -Be @("takeout-$new-001.zip", "takeout-$new-003.zip", "takeout-$old-001.zip", "takeout-$old-002.tgz")
        $parts[0].Location | Should -Be 'Local'
        $parts[0].Path | Should -Be (Join-Path $folder "takeout-$new-001.zip")
        $parts[0].Size | Should -Be 1000
        $parts[3].Format | Should -Be 'tgz'
        $parts[3].IsComplete | Should -BeTrue
    }

    It 'says which part of an export is missing' {
        $parts = @(Get-GPhotosTakeoutArchive -Path $folder -Latest -WarningVariable warnings -WarningAction SilentlyContinue)
        @($parts.PartNumber) | Should -Be @(1, 3)
        $parts | ForEach-Object { $_.IsComplete | Should -BeFalse }
        @($warnings | Where-Object { "$_" -like '*part 2 missing*' }).Count | Should -Be 1
    }

    It 'takes files from Get-ChildItem and warns about a file not named like a part' {
        $parts = @(Get-ChildItem $folder | Get-GPhotosTakeoutArchive -WarningVariable warnings -WarningAction SilentlyContinue)
        $parts.Count | Should -Be 4
        @($warnings | Where-Object { "$_" -like '*notes.txt*not named like a Takeout part*' }).Count | Should -Be 1
    }

    It 'writes a per-path error for a path that does not exist and goes on' {
        $parts = @(Get-GPhotosTakeoutArchive -Path (Join-Path $TestDrive 'nope'), $folder -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $parts.Count | Should -Be 4
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TakeoutPathNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
