# Every documented error as the user gets it: FullyQualifiedErrorId and CategoryInfo.Category, in a real pwsh against
# the emulator. The ids are the ones docs/help (Save-GPhotosMediaItem's Errors table, about_GPhotos) list.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:emu = Start-TestModuleSession

    function Connect-Test([string[]] $Scope) {
        $token = if ($Scope) { New-TestToken $emu -Scope $Scope } else { New-TestToken $emu }
        Connect-GPhotos -AccessToken $token.accessToken
    }
    function Add-Photo([string] $Name, [hashtable] $Extra = @{}) {
        Add-TestItem $emu -Item @(@{ filename = $Name; type = 'PHOTO'; appCreated = $true } + $Extra)
    }
}

AfterAll { Stop-TestModuleSession $emu }

Describe 'Error ids and categories users see' {
    BeforeEach {
        Reset-TestEmulator $emu
        Invoke-Emulator $emu 'faults' -Method Delete | Out-Null
        Connect-Test
        $script:dest = Join-Path $TestDrive ([guid]::NewGuid())
    }

    It 'maps every core error category to the PowerShell category of the same name' {
        foreach ($name in [enum]::GetNames([GPhotos.Errors.GPhotosErrorCategory])) {
            [enum]::IsDefined([System.Management.Automation.ErrorCategory], $name) | Should -BeTrue -Because "$name must exist in ErrorCategory"
        }
    }

    It 'DiskFull (WriteError) stops the run on a full disk, naming the disk, with no partial file' {
        # A real full disk: a 1 MB tmpfs mounted for this test (root here and in CI).
        $mount = Join-Path $TestDrive ('full-' + [guid]::NewGuid())
        New-Item -ItemType Directory $mount | Out-Null
        if ($IsWindows) { Set-ItResult -Skipped -Because 'mounting a tmpfs needs Linux'; return }
        $out = & mount -t tmpfs -o size=1m tmpfs $mount 2>&1
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because "mounting a 1 MB tmpfs was refused ($out): run as root to test a full disk"; return }
        try {
            Add-TestItem $emu -Item @(1..3 | ForEach-Object { @{ filename = "big$_.mp4"; type = 'VIDEO'; mimeType = 'video/mp4'; appCreated = $true; status = 'READY'; size = 3MB } }) | Out-Null
            $target = Join-Path $mount 'backup'
            $err = { Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $target -ThrottleLimit 1 -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Match '^DiskFull'
            $err.CategoryInfo.Category | Should -Be 'WriteError'
            $err.Exception.Message | Should -Match 'is full'
            @(Get-ChildItem $target -File -ErrorAction SilentlyContinue).Count | Should -Be 0
            @(Get-ChildItem (Join-Path $target '.gphotos/tmp') -File -ErrorAction SilentlyContinue).Count | Should -Be 0
        }
        finally { & umount $mount 2>&1 | Out-Null }
    }

    It 'DailyQuotaExhausted (LimitsExceeded) stops Save with the time to resume' {
        Add-Photo 'q.jpg' | Out-Null
        $items = @(Get-GPhotosMediaItem)
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'media'; kind = 'dailyQuota'; count = 100 }) } | Out-Null
        $err = { $items | Save-GPhotosMediaItem -Path $dest -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^DailyQuotaExhausted'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -Match 'resume after'
    }

    It 'RateLimited (LimitsExceeded), not DailyQuotaExhausted, when Google asks to wait hours' {
        Add-Photo 'r.jpg' | Out-Null
        $items = @(Get-GPhotosMediaItem)
        # 3 hours: plausible (under a day) but longer than a run sits idle, so the run stops with "resume after".
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'media'; kind = '503'; count = 100; retryAfterSeconds = 10800 }) } | Out-Null
        $err = { $items | Save-GPhotosMediaItem -Path $dest -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^RateLimited'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -Match 'resume after'
    }

    It 'AuthenticationExpired (AuthenticationError) when the sign-in ran out' {
        $item = Add-Photo 'a.jpg'
        Invoke-Emulator $emu 'tokens/expire' -Method Post | Out-Null
        $err = { Save-GPhotosMediaItem -Id $item.id -Path $dest -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^AuthenticationExpired'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'Connect-GPhotos'
    }

    It 'DestinationLocked (ResourceBusy) when another save holds the folder' {
        New-Item -ItemType Directory (Join-Path $dest '.gphotos') -Force | Out-Null
        $held = [IO.File]::Open((Join-Path $dest '.gphotos/lock'), 'OpenOrCreate', 'ReadWrite', 'None')
        try {
            Add-Photo 'l.jpg' | Out-Null
            $err = { Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Match '^DestinationLocked'
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        }
        finally { $held.Dispose() }
    }

    It 'PathTooLong (WriteError) fails that item only; the next one is saved' {
        if ($IsWindows) { Set-ItResult -Skipped -Because 'the 4096-byte path limit is Linux''s'; return }
        # A folder 3,900 characters deep: short names fit below it, a 240-character name does not (PATH_MAX 4096).
        $deep = $dest
        while ($deep.Length -lt 3900) { $deep = Join-Path $deep ('d' * [Math]::Min(200, 3900 - $deep.Length + 1)) }
        $long = ('L' * 236) + '.jpg'
        Add-Photo $long | Out-Null
        Add-Photo 'short.jpg' | Out-Null
        $results = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $deep -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^PathTooLong'
        $errs[0].CategoryInfo.Category | Should -Be 'WriteError'
        $errs[0].TargetObject.Filename | Should -Be $long
        @($results | ForEach-Object { $_.Item.Filename }) | Should -Be @('short.jpg')
    }

    It 'MediaItemNotFound (ObjectNotFound) for an id that does not exist, the others saved' {
        $item = Add-Photo 'found.jpg'
        $results = @(Save-GPhotosMediaItem -Id $item.id, 'no-such-id' -Path $dest -ErrorVariable errs -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^MediaItemNotFound'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'no-such-id'
    }

    It 'InvalidDateFormat (InvalidArgument) for a layout into .gphotos or outside -Path, before anything is written' {
        Add-Photo 'x.jpg' -Extra @{ creationTime = '2021-03-14T15:09:26Z' } | Out-Null
        foreach ($format in "'.gphotos'/yyyy", "'..'/'..'/yyyy") {
            $err = { Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -DateFormat $format -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Match '^InvalidDateFormat'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -Match ([regex]::Escape($format))
            Test-Path $dest | Should -BeFalse
        }
    }

    It 'HtmlInsteadOfMedia (InvalidData) fails that item, names it, and the run goes on' {
        Add-Photo 'page.jpg' | Out-Null
        $items = @(Get-GPhotosMediaItem)
        Add-Photo 'fine.jpg' | Out-Null
        $items += @(Get-GPhotosMediaItem | Where-Object Filename -EQ 'fine.jpg')
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'media'; kind = 'html'; count = 2 }) } | Out-Null
        $results = @($items | Save-GPhotosMediaItem -Path $dest -ThrottleLimit 1 -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^HtmlInsteadOfMedia'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].TargetObject.Filename | Should -Be 'page.jpg'
        "$($errs[0])" | Should -Match 'page.jpg'
        @($results | ForEach-Object { $_.Item.Filename }) | Should -Be @('fine.jpg')
    }

    It 'DownloadFailed (ConnectionError) when every attempt drops; nothing partial is left' {
        # (The emulator's short bodies also drop the connection, so ContentTruncated is asserted by the engine's xunit tests.)
        Add-Photo 'dropped.jpg' | Out-Null
        $items = @(Get-GPhotosMediaItem)
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'media'; kind = 'drop'; count = 100 }) } | Out-Null
        $items | Save-GPhotosMediaItem -Path $dest -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^DownloadFailed'
        $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $errs[0].TargetObject.Filename | Should -Be 'dropped.jpg'
        Get-ChildItem $dest -File | Should -BeNullOrEmpty
        Get-ChildItem (Join-Path $dest '.gphotos/tmp') -File | Should -BeNullOrEmpty
    }

    It 'TakeoutArchiveUnreadable (ReadError) for items whose archive went bad after listing; the others are saved' {
        $dir = Join-Path $TestDrive ('takeout-' + [guid]::NewGuid())
        & dotnet $env:GPHOTOS_TEST_EMULATOR takeout --out $dir --seed 5 --parts 2 | Out-Null
        $items = @(Get-GPhotosMediaItem -TakeoutPath (Join-Path $dir '*.zip') -WarningAction SilentlyContinue)
        $bad = @(Get-ChildItem $dir -Filter *.zip | Sort-Object Name)[0]
        $size = $bad.Length
        [IO.File]::WriteAllBytes($bad.FullName, [byte[]]::new($size)) # same size, every byte zero
        $results = @($items | Save-GPhotosMediaItem -Path $dest -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $errs.Count | Should -BeGreaterThan 0
        @($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] } | Sort-Object -Unique) | Should -Be @('TakeoutArchiveUnreadable')
        @($errs | ForEach-Object { "$($_.CategoryInfo.Category)" } | Sort-Object -Unique) | Should -Be @('ReadError')
        $results.Count | Should -BeGreaterThan 0
        ($results.Count + $errs.Count) | Should -Be $items.Count
    }

    It 'WriteFailed (WriteError) when a file blocks the item''s folder; the other items go on' {
        Add-Photo 'y2021.jpg' -Extra @{ creationTime = '2021-03-14T15:09:26Z' } | Out-Null
        Add-Photo 'y2022.jpg' -Extra @{ creationTime = '2022-03-14T15:09:26Z' } | Out-Null
        New-Item -ItemType Directory $dest | Out-Null
        Set-Content (Join-Path $dest '2021') 'a file where the 2021 folder would go'
        $results = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -Layout Year -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^WriteFailed'
        $errs[0].CategoryInfo.Category | Should -Be 'WriteError'
        $errs[0].TargetObject.Filename | Should -Be 'y2021.jpg'
        @($results | ForEach-Object { $_.Item.Filename }) | Should -Be @('y2022.jpg')
    }

    It 'DestinationNotWritable (WriteError) when -Path is a file' {
        Add-Photo 'n.jpg' | Out-Null
        Set-Content $dest 'not a folder'
        $err = { Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^DestinationNotWritable'
        $err.CategoryInfo.Category | Should -Be 'WriteError'
    }

    It 'InvalidPath (InvalidArgument) when -Path is not on the file system' {
        $err = { [GPhotos.Model.MediaItem]@{ Id = 't1'; Filename = 't.jpg'; Source = 'Takeout' } | Save-GPhotosMediaItem -Path 'Env:\' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^InvalidPath'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'MissingId (InvalidData) for an object without a media id, naming it; the run goes on' {
        $noId = [GPhotos.Model.MediaItem]@{ Filename = 'orphan.jpg'; Source = 'Takeout' }
        $item = Add-Photo 'ok.jpg'
        $ok = Get-GPhotosMediaItem
        $results = @($noId, $ok | Save-GPhotosMediaItem -Path $dest -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^MissingId'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        "$($errs[0])" | Should -Match 'orphan.jpg'
        $results.Count | Should -Be 1
    }

    It 'NotConnected (AuthenticationError) when saving API items without a connection' {
        $item = [GPhotos.Model.MediaItem]@{ Id = 'lib-1'; Filename = 'n.jpg'; MediaType = 'Photo'; Source = 'Library' }
        Disconnect-GPhotos
        $err = { $item | Save-GPhotosMediaItem -Path $dest -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^NotConnected'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'InsufficientScopes (PermissionDenied) for a token with a scope Google removed' {
        Connect-Test -Scope 'https://www.googleapis.com/auth/photoslibrary.readonly'
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^InsufficientScopes'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
    }

    It 'PickingTimedOut (OperationTimeout) when nobody picks' {
        $err = { Get-GPhotosMediaItem -Pick -NoBrowser -Timeout '00:00:01' -ErrorAction Stop 6>$null } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^PickingTimedOut'
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'InteractiveLoginRequired (AuthenticationError) in a non-interactive run with no saved sign-in' {
        $cache = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory $cache | Out-Null
        $r = Invoke-ChildPwsh -Environment @{ GPHOTOS_EMULATOR_HOST = $emu.HostPort; GPHOTOS_TEST_CACHE = $cache } -Script @'
Import-Module $env:GPHOTOS_TEST_MODULE
try { Connect-GPhotos -ClientId 'errors-test' -TokenCachePath $env:GPHOTOS_TEST_CACHE -ErrorAction Stop; 'CONNECTED' }
catch { "ERRORID=$($_.FullyQualifiedErrorId)"; "CATEGORY=$($_.CategoryInfo.Category)" }
'@
        $r.Output | Should -Match 'ERRORID=InteractiveLoginRequired'
        $r.Output | Should -Match 'CATEGORY=AuthenticationError'
    }
}

# Issue 13: every ErrorRecord comes from the core's catalog (src/GPhotos.Core/Errors/ErrorCatalog.cs); a cmdlet only
# translates. These ids moved there from the cmdlets and keep what users' scripts match on.
Describe 'Errors made from the catalog' {
    BeforeEach {
        Reset-TestEmulator $emu
        Connect-Test
        $script:dest = Join-Path $TestDrive ([guid]::NewGuid())
    }

    It 'no cmdlet makes an ErrorRecord or chooses an id itself: only GPhotosCmdlet.ToErrorRecord does' {
        $src = Join-Path $PSScriptRoot '../../src/GPhotos'
        $files = @(Get-ChildItem $src -Recurse -Filter '*.cs' | Where-Object FullName -NotMatch '[\\/](bin|obj)[\\/]')
        $files.Count | Should -BeGreaterThan 5
        $hits = foreach ($f in $files) {
            $n = 0
            foreach ($line in [IO.File]::ReadAllLines($f.FullName)) {
                $n++
                $code = $line -replace '^\s*///.*$', ''
                $where = "$($f.Name):$n"
                if ($code -match 'new\s+ErrorRecord\s*\(' -and $f.Name -ne 'GPhotosCmdlet.cs') { "$where new ErrorRecord: $line" }
                if ($code -match 'new\s+ErrorEntry\s*\(') { "$where new ErrorEntry (ids are chosen in ErrorCatalog): $line" }
                # A PascalCase string literal handed to the error helpers is an id chosen inline.
                if ($code -match '(ToErrorRecord|ThrowTerminating|Classify|WriteError)\s*\(.*"[A-Z][a-z]+[A-Z][A-Za-z]*"') { "$where inline id: $line" }
            }
        }
        @($hits) | Should -BeNullOrEmpty
        # The one place is really there (the check above would pass on an empty tree).
        (Get-Content -Raw (Join-Path $src 'Infrastructure/GPhotosCmdlet.cs')) | Should -Match 'new ErrorRecord\(entry\.Exception, entry\.Id'
    }

    It 'InvalidClientSecret (InvalidArgument) for a client secret file that does not exist, naming it' {
        $missing = Join-Path $TestDrive 'client_secret_missing.json'
        $err = { Connect-GPhotos -ClientSecretPath $missing -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidClientSecret,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $missing
    }

    It 'InvalidScope (InvalidArgument) for a scope Google removed, before any sign-in' {
        $err = { Connect-GPhotos -ClientId 'errors-test' -ClientSecret 's' -Scope 'photoslibrary.readonly' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidScope,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        # The connection made in BeforeEach is still the session's: a bad argument changes nothing.
        @(Get-GPhotosMediaItem -WarningAction SilentlyContinue).Count | Should -Be 0
    }

    It 'InvalidSecret (InvalidArgument) for an -AccessToken that is neither a string nor a SecureString' {
        $err = { Connect-GPhotos -AccessToken 42 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidSecret,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match '-AccessToken'
    }

    It 'InvalidAlbumFolder (InvalidArgument) for an -AlbumFolder that is a path, before anything is written' {
        $err = { [GPhotos.Model.MediaItem]@{ Id = 't1'; Filename = 't.jpg'; Source = 'Takeout' } | Save-GPhotosMediaItem -Path $dest -AlbumFolder '../up' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidAlbumFolder,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path $dest | Should -BeFalse
    }

    It 'TakeoutPathNotFound (ObjectNotFound) for each -TakeoutPath that matches nothing; the command goes on' {
        $a = Join-Path $TestDrive 'no-such-takeout-1.zip'
        $b = Join-Path $TestDrive 'no-such-takeout-*.zip'
        $items = @(Get-GPhotosMediaItem -TakeoutPath $a, $b -ErrorVariable errs -ErrorAction SilentlyContinue)
        $items.Count | Should -Be 0
        $errs.Count | Should -Be 2
        @($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] } | Sort-Object -Unique) | Should -Be @('TakeoutPathNotFound')
        @($errs | ForEach-Object { "$($_.CategoryInfo.Category)" } | Sort-Object -Unique) | Should -Be @('ObjectNotFound')
        @($errs.TargetObject) | Should -Be @($a, $b)
    }

    It 'Drive<kind> (ReadError) when Drive refuses the Takeout listing: Drive''s own id, not a generic one' {
        Connect-Test -Scope 'https://www.googleapis.com/auth/drive.readonly'
        Invoke-Emulator $emu 'drive/reset' -Method Post | Out-Null
        Invoke-Emulator $emu 'drive/faults' -Method Post -Body @{ rules = @(@{ kind = 'notFound'; target = 'list'; count = 1000 }) } | Out-Null
        try {
            $err = { Get-GPhotosTakeoutArchive -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'DriveNotFound,*'
            $err.CategoryInfo.Category | Should -Be 'ReadError'
        }
        finally { Invoke-Emulator $emu 'drive/faults' -Method Delete | Out-Null }
    }

    It 'DestinationNotABackup (ObjectNotFound) when Remove-GPhotosTakeoutArchive is pointed at a folder that is no backup' {
        $zip = Join-Path $TestDrive 'takeout-20250101T000000Z-001.zip'
        [IO.Compression.ZipFile]::Open($zip, 'Create').Dispose()
        $parts = @(Get-GPhotosTakeoutArchive -Path $zip -WarningAction SilentlyContinue)
        $parts.Count | Should -Be 1
        New-Item -ItemType Directory $dest | Out-Null
        $err = { $parts | Remove-GPhotosTakeoutArchive -Destination $dest -Force -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'DestinationNotABackup,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Test-Path $zip | Should -BeTrue
    }
}
