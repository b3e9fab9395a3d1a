# Remove-GPhotosTakeoutArchive: a part goes only when every media entry in it is saved and verified in the destination.
# Local parts are made by the emulator's Takeout generator; Drive parts by its Drive store.
BeforeDiscovery {
    # -Skip is decided at discovery: is the in-place Drive reader wired into Remove-GPhotosTakeoutArchive (at merge)?
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    $driveReaderWired = $null -ne [GPhotos.Commands.RemoveGPhotosTakeoutArchiveCommand].GetField('DriveItemSource', [Reflection.BindingFlags]'Static,NonPublic').GetValue($null)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:emu = Start-TestEmulator
    $env:GPHOTOS_EMULATOR_HOST = $emu.HostPort
    Import-Module $env:GPHOTOS_TEST_MODULE -Force

    function New-LocalExport([string] $Name) {
        $dir = Join-Path $TestDrive $Name
        & dotnet $env:GPHOTOS_TEST_EMULATOR takeout --out $dir --seed 5 --parts 3 --items 24 | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "The Takeout generator failed ($LASTEXITCODE)." }
        $dir
    }
    function Get-DriveFile { @((Invoke-Emulator $emu 'drive/files').files | Where-Object { $_.name -like 'takeout-*' }) }
    $script:field = [GPhotos.Commands.RemoveGPhotosTakeoutArchiveCommand].GetField('DriveItemSource', [Reflection.BindingFlags]'Static,NonPublic')
    $script:wiredReader = $field.GetValue($null)

    # A stand-in for DA's in-place reader, for this file only: it reads local copies of the Drive parts (downloaded by
    # the test, never by the product) and names each item's part by its Drive file id, as a Drive reader does.
    $core = [GPhotos.Sources.Drive.ITakeoutPartItemSource].Assembly.Location
    Add-Type -ReferencedAssemblies $core, 'netstandard', 'System.Collections', 'System.Linq', 'System.Runtime' -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Sources.Drive;
public sealed class StandInDriveReader : ITakeoutPartItemSource
{
    public static readonly Dictionary<string, string> LocalCopies = new Dictionary<string, string>();
    public TakeoutPartItems ReadItems(IReadOnlyList<TakeoutArchive> parts, IReporter reporter, CancellationToken ct)
    {
        var local = parts.Select(p => new TakeoutArchive(p.Name, p.Size, p.ExportTime, p.PartNumber, p.Format, TakeoutArchiveLocation.Local,
            LocalCopies[p.DriveFileId], null, null, p.ExportId, p.ModifiedTime, p.PartCount, p.IsComplete, p.Completeness)).ToList();
        Func<string, string> toId = path => { var l = TakeoutRemoval.FindPart(local, path); return l == null ? path : parts[local.IndexOf(l)].DriveFileId; };
        TakeoutPartItems read = new TakeoutReaderPartItemSource().ReadItems(local, reporter, ct);
        foreach (MediaItem i in read.Items) { i.TakeoutArchive = toId(i.TakeoutArchive); if (i.MotionVideoArchive != null) i.MotionVideoArchive = toId(i.MotionVideoArchive); }
        return new TakeoutPartItems(read.Items, read.ReadErrors.ToDictionary(e => parts[local.IndexOf(e.Key)], e => e.Value));
    }
    public static void Install(System.Reflection.FieldInfo field) { field.SetValue(null, (Func<DriveClient, ITakeoutPartItemSource>)(c => new StandInDriveReader())); }
}
'@
    function Save-DriveCopy($Export) {
        $token = (New-TestToken $emu -Scope 'https://www.googleapis.com/auth/drive.readonly').accessToken
        $folder = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory $folder | Out-Null
        foreach ($p in $Export.parts) {
            $path = Join-Path $folder $p.name
            Invoke-WebRequest -Uri "$($emu.Url)/drive/v3/files/$($p.id)?alt=media" -Headers @{ Authorization = "Bearer $token" } -OutFile $path
            [StandInDriveReader]::LocalCopies[$p.id] = $path
        }
        Join-Path $folder '*.zip'
    }
}

AfterAll {
    Disconnect-GPhotos -ErrorAction SilentlyContinue
    Stop-TestEmulator $emu
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue
}

Describe 'Remove-GPhotosTakeoutArchive with local parts' {
    BeforeEach {
        $script:folder = New-LocalExport ([guid]::NewGuid())
        $script:dest = Join-Path $TestDrive ([guid]::NewGuid())
        $script:parts = @(Get-GPhotosTakeoutArchive -Path $folder -WarningAction SilentlyContinue)
        $script:items = @(Get-GPhotosMediaItem -TakeoutPath (Join-Path $folder '*.zip') -WarningAction SilentlyContinue)
    }

    It 'refuses parts with unsaved items, naming them, then removes every part after a full Save' {
        $parts.Count | Should -Be 3
        $items | Select-Object -First 3 | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
        $unsaved = @($items | Select-Object -Skip 3)

        $r = @($parts | Remove-GPhotosTakeoutArchive -Destination $dest -Force -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue)
        $r.Count | Should -Be 3
        $refused = @($r | Where-Object Status -EQ 'Refused')
        $refused.Count | Should -BeGreaterThan 0
        @($r | Where-Object Status -EQ 'Removed' | Where-Object NotSaved -GT 0) | Should -BeNullOrEmpty
        $errs.Count | Should -Be $refused.Count
        foreach ($e in $errs) {
            $e.FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveNotFullySaved,*'
            $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }
        # Every unsaved item is named, in a result, and (up to 20 per part) in a warning naming the part.
        $named = @($r.NotSavedItems.Id)
        foreach ($i in $unsaved) { $named | Should -Contain $i.Id }
        $first = $refused[0].NotSavedItems[0]
        @($warns | Where-Object { "$_" -like "*$($refused[0].Name)*$($first.Filename)*" }).Count | Should -Be 1
        foreach ($p in $refused) { Test-Path (Join-Path $folder $p.Name) | Should -BeTrue }

        $items | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
        $r2 = @(Get-GPhotosTakeoutArchive -Path $folder -WarningAction SilentlyContinue | Remove-GPhotosTakeoutArchive -Destination $dest -Force)
        @($r2.Status | Select-Object -Unique) | Should -Be 'Removed'
        ($r2 | Measure-Object Verified -Sum).Sum | Should -BeGreaterOrEqual $items.Count
        @(Get-ChildItem $folder -Filter 'takeout-*.zip') | Should -BeNullOrEmpty
    }

    It '-WhatIf verifies but deletes nothing' {
        $items | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
        $r = @($parts | Remove-GPhotosTakeoutArchive -Destination $dest -WhatIf -WarningAction SilentlyContinue)
        @($r.Status | Select-Object -Unique) | Should -Be 'NotRemoved'
        @(Get-ChildItem $folder -Filter 'takeout-*.zip').Count | Should -Be 3
    }

    It 'refuses a part whose saved file was changed after the save' {
        $items | Save-GPhotosMediaItem -Path $dest -WarningAction SilentlyContinue | Out-Null
        $victim = $items | Where-Object { -not $_.IsVideo -and -not $_.MotionVideoEntry } | Select-Object -First 1
        $file = Get-ChildItem $dest -Recurse -File -Filter $victim.Filename | Select-Object -First 1
        [IO.File]::AppendAllText($file.FullName, 'x')
        $r = @($parts | Remove-GPhotosTakeoutArchive -Destination $dest -Force -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $hit = $r | Where-Object { $_.NotSavedItems.Id -contains $victim.Id }
        $hit.Status | Should -Be 'Refused'
        ($hit.NotSavedItems | Where-Object Id -EQ $victim.Id).Problem | Should -Be 'FileSizeDiffers'
        Test-Path (Join-Path $folder $hit.Name) | Should -BeTrue
    }

    It 'stops at once when the destination is no GPhotos backup' {
        { $parts | Remove-GPhotosTakeoutArchive -Destination (Join-Path $TestDrive 'nothing') -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'DestinationNotABackup,GPhotos.Commands.RemoveGPhotosTakeoutArchiveCommand'
        @(Get-ChildItem $folder -Filter 'takeout-*.zip').Count | Should -Be 3
    }
}

Describe 'Remove-GPhotosTakeoutArchive with Drive parts' {
    BeforeEach {
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        $script:export = Invoke-Emulator $emu 'drive/exports' -Method Post -Body @{ parts = 2; items = 20; exportTime = [DateTime]::UtcNow.AddDays(-3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") }
        $script:dest = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory (Join-Path $dest '.gphotos') -Force | Out-Null
        Set-Content (Join-Path $dest '.gphotos/index.jsonl') '' -NoNewline
    }

    It 'never deletes a Drive part it cannot read, and says which part and why; the readable part is verified on its own' -Skip:(-not $driveReaderWired) {
        Connect-GPhotos -AccessToken (New-TestToken $emu -Scope 'https://www.googleapis.com/auth/drive').accessToken
        Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem -WarningAction SilentlyContinue |
            Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
        # Everything is saved; then part 1 is damaged in Drive (its end cut off: no central directory) before the
        # listing Remove reads, so the listing pins the damaged version and only the read can tell.
        $victim = $export.parts[0]
        Invoke-Emulator $emu "drive/files/$($victim.id)/replace" -Method Post -Body @{ truncateTo = [long]($victim.size / 2) } | Out-Null
        $r = @(Get-GPhotosTakeoutArchive -Latest -WarningAction SilentlyContinue | Remove-GPhotosTakeoutArchive -Destination $dest -Force -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        ($r | Where-Object DriveFileId -EQ $victim.id).Status | Should -Be 'Refused'
        $unreadable = @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'TakeoutArchiveUnreadable,*' })
        $unreadable.Count | Should -Be 1
        $unreadable[0].CategoryInfo.Category | Should -Be 'ReadError'
        "$($unreadable[0])" | Should -BeLike "*$($victim.name)*was not removed*could not be read*"
        @(Get-DriveFile | Where-Object id -EQ $victim.id).Count | Should -Be 1
        (Invoke-Emulator $emu 'drive/counters').requests.'drive.files.delete' | Should -BeLessOrEqual 1
    }

    It 'refuses with the unsaved items named, deletes nothing with -WhatIf, then removes after a Save' -Skip:(-not $driveReaderWired) {
        Connect-GPhotos -AccessToken (New-TestToken $emu -Scope 'https://www.googleapis.com/auth/drive').accessToken
        $items = @(Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem -WarningAction SilentlyContinue)
        $items | Select-Object -First 2 | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
        $r = @(Get-GPhotosTakeoutArchive -Latest | Remove-GPhotosTakeoutArchive -Destination $dest -Force -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        @($r | Where-Object Status -EQ 'Refused').Count | Should -BeGreaterThan 0
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveNotFullySaved,*'
        foreach ($i in $items | Select-Object -Skip 2) { @($r.NotSavedItems.Id) | Should -Contain $i.Id }

        $items | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
        $what = @(Get-GPhotosTakeoutArchive -Latest | Remove-GPhotosTakeoutArchive -Destination $dest -WhatIf -WarningAction SilentlyContinue)
        @($what.Status | Select-Object -Unique) | Should -Be 'NotRemoved'
        (Get-DriveFile).Count | Should -Be 2

        $done = @(Get-GPhotosTakeoutArchive -Latest | Remove-GPhotosTakeoutArchive -Destination $dest -Force)
        @($done.Status | Select-Object -Unique) | Should -Be 'Removed'
        (Get-DriveFile).Count | Should -Be 0
    }

    It 'refuses Drive parts naming the unsaved items, deletes nothing with -WhatIf, then deletes them for good after a Save (stand-in reader)' {
        $copies = Save-DriveCopy $export
        [StandInDriveReader]::Install($field)
        try {
            Connect-GPhotos -AccessToken (New-TestToken $emu -Scope 'https://www.googleapis.com/auth/drive').accessToken
            $items = @(Get-GPhotosMediaItem -TakeoutPath $copies -WarningAction SilentlyContinue)
            $items | Select-Object -First 2 | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
            $r = @(Get-GPhotosTakeoutArchive -Latest | Remove-GPhotosTakeoutArchive -Destination $dest -Force -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
            $r.Count | Should -Be 2
            @($r | Where-Object Status -EQ 'Refused').Count | Should -BeGreaterThan 0
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveNotFullySaved,*'
            $errs[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            foreach ($i in $items | Select-Object -Skip 2) { @($r.NotSavedItems.Id) | Should -Contain $i.Id }
            (Get-DriveFile).Count | Should -Be (2 - @($r | Where-Object Status -EQ 'Removed').Count)

            $items | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
            $left = (Get-DriveFile).Count
            $what = @(Get-GPhotosTakeoutArchive -Latest | Remove-GPhotosTakeoutArchive -Destination $dest -WhatIf -WarningAction SilentlyContinue)
            @($what.Status | Select-Object -Unique) | Should -Be 'NotRemoved'
            (Get-DriveFile).Count | Should -Be $left

            $done = @(Get-GPhotosTakeoutArchive -Latest | Remove-GPhotosTakeoutArchive -Destination $dest -Force -WarningAction SilentlyContinue)
            @($done.Status | Select-Object -Unique) | Should -Be 'Removed'
            (Get-DriveFile).Count | Should -Be 0 # DELETE, not the trash: the files are gone, trashed or not
        }
        finally { $field.SetValue($null, $wiredReader) }
    }

    It 'does not delete a Drive part replaced since it was listed (stand-in reader)' {
        $copies = Save-DriveCopy $export
        [StandInDriveReader]::Install($field)
        try {
            Connect-GPhotos -AccessToken (New-TestToken $emu -Scope 'https://www.googleapis.com/auth/drive').accessToken
            Get-GPhotosMediaItem -TakeoutPath $copies -WarningAction SilentlyContinue | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo -WarningAction SilentlyContinue | Out-Null
            $parts = @(Get-GPhotosTakeoutArchive -Latest)
            Invoke-Emulator $emu "drive/files/$($parts[0].DriveFileId)/replace" -Method Post -Body @{} | Out-Null
            $r = @($parts | Remove-GPhotosTakeoutArchive -Destination $dest -Force -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
            ($r | Where-Object Name -EQ $parts[0].Name).Status | Should -Be 'Refused'
            ($errs | Where-Object { $_.FullyQualifiedErrorId -like 'TakeoutArchiveDeleteFailed,*' }).Exception.Message | Should -BeLike '*changed in Drive*'
            @(Get-DriveFile | Where-Object id -EQ $parts[0].DriveFileId).Count | Should -Be 1
        }
        finally { $field.SetValue($null, $wiredReader) }
    }

    It 'needs -DriveWrite: a read-only sign-in fails at once with the exact command' -Skip:($IsWindows) {
        $browser = Join-Path $TestDrive 'fake-browser.sh'
        Set-Content $browser "#!/bin/sh`ncurl -s -L -o /dev/null `"`$1`"`n"
        chmod +x $browser
        $envs = @{ GPHOTOS_EMULATOR_HOST = $emu.HostPort; GPHOTOS_TEST_CACHE = (Join-Path $TestDrive ([guid]::NewGuid())); GPHOTOS_BROWSER = $browser
                   GPHOTOS_INTERACTIVE = '1'; GPHOTOS_TEST_DEST = $dest }
        $r = Invoke-ChildPwsh -Interactive -Environment $envs -Script @'
Import-Module $env:GPHOTOS_TEST_MODULE
Connect-GPhotos -ClientId 'remove-test' -TokenCachePath $env:GPHOTOS_TEST_CACHE -Drive
$parts = @(Get-GPhotosTakeoutArchive -Latest)
"PARTS=$($parts.Count)"
try { $parts | Remove-GPhotosTakeoutArchive -Destination $env:GPHOTOS_TEST_DEST -Force -ErrorAction Stop; 'NOERROR' }
catch { "ID=$($_.FullyQualifiedErrorId)"; "CAT=$($_.CategoryInfo.Category)"; "MSG=$($_.Exception.Message)" }
'@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output | Should -Match 'PARTS=2'
        $r.Output | Should -Match 'ID=DriveWriteAccessMissing,GPhotos.Commands.RemoveGPhotosTakeoutArchiveCommand'
        $r.Output | Should -Match 'CAT=PermissionDenied'
        $r.Output | Should -Match 'Connect-GPhotos -ClientSecretPath <path> -DriveWrite'
        (Get-DriveFile).Count | Should -Be 2
        (Invoke-Emulator $emu 'drive/counters').requests.'drive.files.delete' | Should -BeNullOrEmpty
    }
}
