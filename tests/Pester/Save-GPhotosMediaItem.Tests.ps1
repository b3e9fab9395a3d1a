BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:emu = Start-TestEmulator
    $env:GPHOTOS_EMULATOR_HOST = $emu.HostPort
    Import-Module $env:GPHOTOS_TEST_MODULE -Force

    function Connect-Test { Connect-GPhotos -AccessToken (New-TestToken $emu).accessToken }
    function Get-Media([string] $Id) { (Invoke-Emulator $emu 'items?sha256=true').items | Where-Object id -EQ $Id }
    function Get-LeftoverTemp([string] $Folder) { @(Get-ChildItem (Join-Path $Folder '.gphotos/tmp') -File -ErrorAction SilentlyContinue) }
    function Clear-Counter { Invoke-Emulator $emu 'counters' -Method Delete | Out-Null }

    # Get | Save in another runspace of this process (a second "run"), returned once it holds the destination's lock.
    function Start-BackgroundSave([string] $Destination) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $hostPort, $token, $dest)
                $env:GPHOTOS_EMULATOR_HOST = $hostPort
                Import-Module $module
                Connect-GPhotos -AccessToken $token
                Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest
            }).AddArgument($env:GPHOTOS_TEST_MODULE).AddArgument($emu.HostPort).AddArgument((New-TestToken $emu).accessToken).AddArgument($Destination)
        $async = $ps.BeginInvoke()
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while (-not (Test-Path (Join-Path $Destination '.gphotos/lock')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $ps, $async
    }
}

AfterAll {
    Disconnect-GPhotos -ErrorAction SilentlyContinue
    Stop-TestEmulator $emu
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue
}

Describe 'Save-GPhotosMediaItem' {
    BeforeEach {
        Reset-TestEmulator $emu
        Connect-Test
        $script:dest = Join-Path $TestDrive ([guid]::NewGuid())
    }

    It 'runs the card''s pipeline: real videos only, byte for byte, processing ones skipped with a warning' {
        $items = Add-TestItem $emu -Item @(
            @{ filename = 'photo.jpg'; type = 'PHOTO'; appCreated = $true }
            @{ filename = 'clip.mp4'; type = 'VIDEO'; mimeType = 'video/mp4'; appCreated = $true; status = 'READY' }
            @{ filename = 'clip2.mov'; type = 'VIDEO'; mimeType = 'video/quicktime'; appCreated = $true; status = 'READY' }
            @{ filename = 'busy.mp4'; type = 'VIDEO'; mimeType = 'video/mp4'; appCreated = $true; status = 'PROCESSING' }
        )
        $results = @(Get-GPhotosMediaItem | Where-Object IsVideo | Save-GPhotosMediaItem -Path $dest -WarningVariable w -WarningAction SilentlyContinue)
        $results.Count | Should -Be 2
        $results.Status | Should -Be @('Saved', 'Saved')
        @(Get-ChildItem $dest -File).Name | Sort-Object | Should -Be @('clip.mp4', 'clip2.mov')
        foreach ($r in $results) {
            $expected = ($items | Where-Object id -EQ $r.Id).sha256Dv
            (Get-FileHash $r.Path -Algorithm SHA256).Hash | Should -Be $expected
            $bytes = [IO.File]::ReadAllBytes($r.Path)[4..7]
            [Text.Encoding]::ASCII.GetString($bytes) | Should -Be 'ftyp'
        }
        "$w" | Should -Match 'busy.mp4'
    }

    It 'saves photos with =d: full resolution, EXIF kept, byte for byte' {
        $items = Add-TestItem $emu -Item @(@{ filename = 'a.jpg'; type = 'PHOTO'; appCreated = $true; cameraMake = 'Canon' })
        $r = Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest
        (Get-FileHash $r.Path).Hash | Should -Be $items[0].sha256D
        $r.Bytes | Should -Be $items[0].sizeD
        $r | Get-FileHash | Select-Object -ExpandProperty Hash | Should -Be $items[0].sha256D
    }

    It 'gives each result the SHA-256 of the bytes the server sent, also when the re-run skips it' {
        $items = Add-TestItem $emu -Item @(@{ filename = 'h.jpg'; type = 'PHOTO'; appCreated = $true }; @{ filename = 'h.mp4'; type = 'VIDEO'; mimeType = 'video/mp4'; appCreated = $true; status = 'READY' })
        $first = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest)
        ($first | Where-Object { $_.Item.Filename -eq 'h.jpg' }).Sha256 | Should -Be $items[0].sha256D.ToLowerInvariant()
        ($first | Where-Object { $_.Item.Filename -eq 'h.mp4' }).Sha256 | Should -Be $items[1].sha256Dv.ToLowerInvariant()
        $again = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest)
        ($again | Sort-Object Id).Sha256 | Should -Be ($first | Sort-Object Id).Sha256
        $again.Reason | Sort-Object -Unique | Should -Be 'AlreadySaved'
    }

    It 'never overwrites a same-name photo, and keeps the names stable whatever the order' {
        Add-TestItem $emu -Item @(
            @{ filename = 'IMG_0001.JPG'; type = 'PHOTO'; appCreated = $true }
            @{ filename = 'IMG_0001.JPG'; type = 'PHOTO'; appCreated = $true }
            @{ filename = 'img_0001.jpg'; type = 'PHOTO'; appCreated = $true }
        ) | Out-Null
        $first = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest)
        @($first.Path | Sort-Object -Unique).Count | Should -Be 3
        @(Get-ChildItem $dest -File).Count | Should -Be 3
        $byId = @{}; $first | ForEach-Object { $byId[$_.Id] = $_.RelativePath }

        # Same items, reversed order, -Force: every item lands at the same name again.
        $again = @(Get-GPhotosMediaItem | Sort-Object Id -Descending | Save-GPhotosMediaItem -Path $dest -Force)
        foreach ($r in $again) { $r.RelativePath | Should -Be $byId[$r.Id] }
        @(Get-ChildItem $dest -File).Count | Should -Be 3
    }

    It 'keeps hostile names inside -Path' {
        Add-TestItem $emu -Item @(
            @{ filename = '../../escape.jpg'; type = 'PHOTO'; appCreated = $true }
            @{ filename = '..\..\escape2.jpg'; type = 'PHOTO'; appCreated = $true }
            @{ filename = '/etc/passwd'; type = 'PHOTO'; appCreated = $true }
            @{ filename = 'a:b*c?.jpg'; type = 'PHOTO'; appCreated = $true }
            @{ filename = 'CON.jpg'; type = 'PHOTO'; appCreated = $true }
            @{ filename = '..'; type = 'PHOTO'; appCreated = $true }
            @{ filename = ('é' * 200) + '.jpg'; type = 'PHOTO'; appCreated = $true }
        ) | Out-Null
        $results = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest)
        $results.Count | Should -Be 7
        $root = (Resolve-Path $dest).Path
        foreach ($r in $results) {
            $full = [IO.Path]::GetFullPath($r.Path)
            $full.StartsWith($root + [IO.Path]::DirectorySeparatorChar) | Should -BeTrue
            [Text.Encoding]::UTF8.GetByteCount([IO.Path]::GetFileName($full)) | Should -BeLessOrEqual 255
            [IO.Path]::GetFileName($full) | Should -Not -Match '[:*?"<>|\\]'
        }
        Test-Path (Join-Path $TestDrive 'escape.jpg') | Should -BeFalse
    }

    It 're-runs download nothing, and fetch again what was deleted or truncated' {
        Add-TestItem $emu -Item @(1..5 | ForEach-Object { @{ filename = "p$_.jpg"; type = 'PHOTO'; appCreated = $true } }) | Out-Null
        $first = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest)
        Clear-Counter
        $second = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest)
        $second.Status | Sort-Object -Unique | Should -Be 'Skipped'
        [int](Get-TestCounter $emu).requests.media | Should -Be 0

        Remove-Item $first[0].Path
        $fs = [IO.File]::Open($first[1].Path, 'Open'); $fs.SetLength(10); $fs.Dispose()
        Clear-Counter
        $third = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest)
        @($third | Where-Object Status -EQ 'Saved').Count | Should -Be 2
        [int](Get-TestCounter $emu).requests.media | Should -Be 2
        (Get-Item $first[1].Path).Length | Should -Be $first[1].Bytes
    }

    It 'rides out 503s, 429s, dropped and short bodies: nothing lost, no partial file' {
        $items = Add-TestItem $emu -Item @(1..6 | ForEach-Object { @{ filename = "f$_.jpg"; type = 'PHOTO'; appCreated = $true } })
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(
                @{ target = 'media'; kind = '503'; count = 2 }
                @{ target = 'media'; kind = '429'; count = 1; retryAfterSeconds = 1 }
                @{ target = 'media'; kind = 'drop'; count = 1 }
                @{ target = 'media'; kind = 'truncate'; count = 1 }
                @{ target = 'media'; kind = 'html'; count = 1 }
            ) } | Out-Null
        $results = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $results.Count | Should -Be 6
        foreach ($r in $results) { (Get-FileHash $r.Path).Hash | Should -Be ($items | Where-Object id -EQ $r.Id).sha256D }
        Get-LeftoverTemp $dest | Should -BeNullOrEmpty
        @(Get-ChildItem $dest -File).Count | Should -Be 6
    }

    It 'refreshes base URLs that expired (60 minutes) with one batchGet' {
        Add-TestItem $emu -Item @(1..3 | ForEach-Object { @{ filename = "e$_.jpg"; type = 'PHOTO'; appCreated = $true } }) | Out-Null
        $listed = @(Get-GPhotosMediaItem)
        Invoke-Emulator $emu 'clock' -Method Post -Body @{ advanceSeconds = 2 * 3600 } | Out-Null
        Connect-Test # the minted token expired with the clock too
        Clear-Counter
        $results = @($listed | Save-GPhotosMediaItem -Path $dest)
        $results.Count | Should -Be 3
        $c = Get-TestCounter $emu
        $c.requests.'library.batchGet' | Should -BeLessOrEqual 3
        $c.requests.'library.batchGet' | Should -BeGreaterOrEqual 1
    }

    It 'leaves the piped items as they were: a refreshed link stays inside the engine' {
        Add-TestItem $emu -Item @(@{ filename = 'k.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null
        $listed = @(Get-GPhotosMediaItem)
        $url = $listed[0].BaseUrl
        $received = $listed[0].BaseUrlReceived
        Invoke-Emulator $emu 'clock' -Method Post -Body @{ advanceSeconds = 2 * 3600 } | Out-Null
        Connect-Test
        Clear-Counter
        ($listed | Save-GPhotosMediaItem -Path $dest).Status | Should -Be 'Saved'
        [int](Get-TestCounter $emu).requests.'library.batchGet' | Should -Be 1
        $listed[0].BaseUrl | Should -Be $url
        $listed[0].BaseUrlReceived | Should -Be $received
    }

    It 'writes the engine''s messages on the pipeline thread, none lost: the start line and the summary' {
        Add-TestItem $emu -Item @(1..3 | ForEach-Object { @{ filename = "m$_.jpg"; type = 'PHOTO'; appCreated = $true } }) | Out-Null
        $out = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -Verbose 4>&1)
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 3
        @($verbose | Where-Object { $_ -like "Saving to '*" }).Count | Should -Be 1
        @($verbose | Where-Object { $_ -like 'Saved 3, skipped 0, failed 0*' }).Count | Should -Be 1
    }

    It 'stops on a spent daily quota with "resume after", and the next run finishes the job' {
        Add-TestItem $emu -Item @(1..4 | ForEach-Object { @{ filename = "q$_.jpg"; type = 'PHOTO'; appCreated = $true } }) | Out-Null
        $items = @(Get-GPhotosMediaItem)
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'media'; kind = 'dailyQuota'; count = 100 }) } | Out-Null
        $err = { $items | Save-GPhotosMediaItem -Path $dest -ThrottleLimit 1 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^DailyQuotaExhausted'
        $err.Exception.Message | Should -Match 'resume after'
        Get-LeftoverTemp $dest | Should -BeNullOrEmpty
        Invoke-Emulator $emu 'faults' -Method Delete | Out-Null
        $results = @($items | Save-GPhotosMediaItem -Path $dest)
        $results.Count | Should -Be 4
        @(Get-ChildItem $dest -File).Count | Should -Be 4
    }

    It 'saves by id, with one error per id that does not exist' {
        $items = Add-TestItem $emu -Item @(1..2 | ForEach-Object { @{ filename = "i$_.jpg"; type = 'PHOTO'; appCreated = $true } })
        $results = @(Save-GPhotosMediaItem -Id (@($items.id) + 'nope') -Path $dest -ErrorVariable errs -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^MediaItemNotFound'
        $errs[0].TargetObject | Should -Be 'nope'
    }

    It '-WhatIf writes nothing at all' {
        Add-TestItem $emu -Item @(@{ filename = 'w.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null
        Clear-Counter
        Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -WhatIf
        Test-Path $dest | Should -BeFalse
        [int](Get-TestCounter $emu).requests.media | Should -Be 0
    }

    It 'lays out folders by date, sets file times from the capture time, and writes metadata sidecars' {
        Add-TestItem $emu -Item @(@{ filename = 'd.jpg'; type = 'PHOTO'; appCreated = $true; creationTime = '2021-03-14T15:09:26Z'; description = 'pi day' }) | Out-Null
        $r = Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -Layout YearMonth -Metadata
        $r.RelativePath.Replace('\', '/') | Should -Be '2021/03/d.jpg'
        (Get-Item $r.Path).LastWriteTimeUtc | Should -Be ([datetime]::new(2021, 3, 14, 15, 9, 26, [DateTimeKind]::Utc))
        $meta = Get-Content $r.MetadataPath -Raw | ConvertFrom-Json
        $meta.description | Should -Be 'pi day'
        $meta.PSObject.Properties.Name | Should -Not -Contain 'baseUrl'
    }

    It 'names a saved file it had to restore or replace in a warning' {
        Add-TestItem $emu -Item @(1..3 | ForEach-Object { @{ filename = "r$_.jpg"; type = 'PHOTO'; appCreated = $true } }) | Out-Null
        $items = @(Get-GPhotosMediaItem)
        $first = @($items | Save-GPhotosMediaItem -Path $dest)
        $gone = ($first | Where-Object { $_.Item.Filename -eq 'r1.jpg' }).Path
        $cut = ($first | Where-Object { $_.Item.Filename -eq 'r2.jpg' }).Path
        Remove-Item $gone
        $f = [IO.File]::Open($cut, 'Open'); $f.SetLength(10); $f.Dispose()
        $second = @($items | Save-GPhotosMediaItem -Path $dest -WarningVariable w -WarningAction SilentlyContinue)
        $w.Count | Should -Be 2
        "$w" | Should -Match ([regex]::Escape($gone))
        "$w" | Should -Match ([regex]::Escape($cut))
        ($second | Where-Object { $_.Item.Filename -eq 'r2.jpg' }).Reason | Should -Be 'SizeMismatch'
        (Get-Item $cut).Length | Should -BeGreaterThan 10
        $third = @($items | Save-GPhotosMediaItem -Path $dest -WarningVariable w3 -WarningAction SilentlyContinue)
        $w3.Count | Should -Be 0
        $third.Reason | Sort-Object -Unique | Should -Be 'AlreadySaved'
    }

    It 'gives a 250-character name a sidecar the index keeps, so re-runs are quiet' {
        $long = ('m' * 246) + '.jpg'
        Add-TestItem $emu -Item @(@{ filename = $long; type = 'PHOTO'; appCreated = $true }) | Out-Null
        $items = @(Get-GPhotosMediaItem)
        $first = $items | Save-GPhotosMediaItem -Path $dest -Metadata
        $first.MetadataPath | Should -Not -BeNullOrEmpty
        (Split-Path $first.MetadataPath -Leaf).Length | Should -BeLessOrEqual 250
        $second = $items | Save-GPhotosMediaItem -Path $dest -Metadata -WarningVariable w -WarningAction SilentlyContinue
        $w.Count | Should -Be 0
        $second.Reason | Should -Be 'AlreadySaved'
        @(Get-ChildItem $dest -File).Count | Should -Be 2
    }

    It 'reports an item that came twice with a Duplicate result, not silently' {
        Add-TestItem $emu -Item @(@{ filename = 'twice.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null
        $item = Get-GPhotosMediaItem
        $results = @($item, $item | Save-GPhotosMediaItem -Path $dest)
        $results.Count | Should -Be 2
        ($results | Where-Object Reason -EQ 'Duplicate').Status | Should -Be 'Skipped'
        @(Get-ChildItem $dest -File).Count | Should -Be 1
    }

    It 'warns once about damaged index lines and goes on' {
        Add-TestItem $emu -Item @(1..2 | ForEach-Object { @{ filename = "x$_.jpg"; type = 'PHOTO'; appCreated = $true } }) | Out-Null
        $items = @(Get-GPhotosMediaItem)
        $items | Save-GPhotosMediaItem -Path $dest | Out-Null
        Add-Content (Join-Path $dest '.gphotos/index.jsonl') '{"id":"torn'
        $second = @($items | Save-GPhotosMediaItem -Path $dest -WarningVariable w -WarningAction SilentlyContinue)
        $second.Count | Should -Be 2
        "$w" | Should -Match 'index\.jsonl'
        "$w" | Should -Match 'line 3'
        $items | Save-GPhotosMediaItem -Path $dest -WarningVariable w2 -WarningAction SilentlyContinue | Out-Null
        $w2.Count | Should -Be 0
    }

    It 'saves the video part of motion photos when asked' {
        $items = Add-TestItem $emu -Item @(@{ filename = 'm.jpg'; type = 'PHOTO'; appCreated = $true; motion = $true })
        $r = Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -IncludeMotionVideo
        $r.MotionVideoPath | Should -Not -BeNullOrEmpty
        (Get-FileHash $r.MotionVideoPath).Hash | Should -Be $items[0].sha256Dv
    }

    It 'never sends the token to a host that is not Google or the configured emulator' {
        $foreign = Start-TestEmulator
        try {
            $item = [GPhotos.Model.MediaItem]@{
                Id = 'foreign-1'; Filename = 'evil.jpg'; MediaType = 'Photo'; Source = 'Library'
                BaseUrl = "$($foreign.Url)/lh3/not-google"; BaseUrlReceived = [datetime]::UtcNow
            }
            $item | Save-GPhotosMediaItem -Path $dest -ErrorAction SilentlyContinue | Out-Null
            $fc = Invoke-Emulator $foreign 'counters'
            [int]$fc.requests.media | Should -BeGreaterOrEqual 1
            [int]$fc.authorizationHeaders.media | Should -Be 0
        }
        finally { Stop-TestEmulator $foreign }
    }

    It 'fails clearly when another run holds the destination' {
        Add-TestItem $emu -Item @(1..3 | ForEach-Object { @{ filename = "l$_.mp4"; type = 'VIDEO'; mimeType = 'video/mp4'; appCreated = $true; status = 'READY' } }) | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'media'; kind = 'slow'; count = 3; delayMs = 4000 }) } | Out-Null
        $ps, $async = Start-BackgroundSave $dest
        try {
            Start-Sleep -Milliseconds 300
            $err = { Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Match '^DestinationLocked'
            $done = @($ps.EndInvoke($async))
            $done.Count | Should -Be 3
        }
        finally { $ps.Dispose() }
    }

    It 'stops promptly on Ctrl+C and leaves no partial file' {
        Add-TestItem $emu -Item @(@{ filename = 'big.mp4'; type = 'VIDEO'; mimeType = 'video/mp4'; appCreated = $true; status = 'READY'; size = 8MB }) | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'media'; kind = 'slow'; count = 1; delayMs = 30000 }) } | Out-Null
        $ps, $async = Start-BackgroundSave $dest
        try {
            Start-Sleep -Milliseconds 500
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
            Test-Path (Join-Path $dest 'big.mp4') | Should -BeFalse
            Get-LeftoverTemp $dest | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Save-GPhotosMediaItem with Picker items' {
    BeforeEach {
        Reset-TestEmulator $emu
        Connect-Test
        $script:dest = Join-Path $TestDrive ([guid]::NewGuid())
    }

    It 'downloads picked items with the bearer token, and refreshes expired links by listing the session again' {
        $lib = Add-TestItem $emu -Item @(1..3 | ForEach-Object { @{ filename = "k$_.jpg"; type = 'PHOTO'; appCreated = $false } })
        $session = New-GPhotosPickerSession -NoBrowser 6>$null
        Invoke-Emulator $emu "picker/$($session.Id)/pick" -Method Post -Body @{ mediaItemIds = @($lib.id) } | Out-Null
        $picked = @(Get-GPhotosMediaItem -SessionId $session.Id)
        $first = $picked[0] | Save-GPhotosMediaItem -Path $dest
        (Get-FileHash $first.Path).Hash | Should -Be ($lib | Where-Object id -EQ $first.Id).sha256D

        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'media'; kind = 'expireUrl'; count = 2 }) } | Out-Null
        Clear-Counter
        $rest = @($picked[1..2] | Save-GPhotosMediaItem -Path $dest)
        $rest.Count | Should -Be 2
        (Get-TestCounter $emu).requests.'picker.mediaItems.list' | Should -BeGreaterOrEqual 1
        $picked | Remove-GPhotosPickerSession -Confirm:$false
        { Get-GPhotosPickerSession -SessionId $session.Id -ErrorAction Stop } | Should -Throw
    }
}

Describe 'Save-GPhotosMediaItem reads the destination index ahead' {
    # Save starts reading the index (read-only) in BeginProcessing, while the command upstream is still listing.
    BeforeEach {
        Reset-TestEmulator $emu
        Connect-Test
        $script:dest = Join-Path $TestDrive ([guid]::NewGuid())
    }

    It 'reads the index again when another run wrote to it while the upstream was listing: nothing saved twice' {
        Add-TestItem $emu -Item @(1..3 | ForEach-Object { @{ filename = "r$_.jpg"; type = 'PHOTO'; appCreated = $true; creationTime = '2021-06-01T10:00:00Z' } }) | Out-Null
        $items = @(Get-GPhotosMediaItem)
        $null = $items[0] | Save-GPhotosMediaItem -Path $dest -Layout Year  # an index for the read ahead to read
        Clear-Counter
        # All Begin blocks run before the upstream's body: the downstream Save has read the index ahead by the time the
        # other run (same destination, another layout) saves the rest, before the first item reaches it.
        $results = @(& { Start-Sleep -Milliseconds 500; $null = $items | Save-GPhotosMediaItem -Path $dest -Layout Year; $items } |
                Save-GPhotosMediaItem -Path $dest)
        $results.Status | Should -Be @('Skipped', 'Skipped', 'Skipped')
        $results.Reason | Sort-Object -Unique | Should -Be 'AlreadySaved'
        $results.Path | ForEach-Object { Split-Path (Split-Path $_) -Leaf } | Sort-Object -Unique | Should -Be '2021'
        @(Get-ChildItem $dest -File).Count | Should -Be 0  # nothing saved again at the top (the flat layout)
        [int](Get-TestCounter $emu).requests.media | Should -Be 2  # only the other run's two downloads
    }

    It '-WhatIf over a saved destination reads its index and writes nothing' {
        Add-TestItem $emu -Item @(@{ filename = 'w1.jpg'; type = 'PHOTO'; appCreated = $true }, @{ filename = 'w2.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null
        $null = Get-GPhotosMediaItem | Select-Object -First 1 | Save-GPhotosMediaItem -Path $dest
        $before = Get-ChildItem $dest -Recurse -Force | ForEach-Object { '{0} {1} {2:o}' -f $_.FullName, $_.Length, $_.LastWriteTimeUtc }
        Clear-Counter
        $out = @(Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest -WhatIf)
        $after = Get-ChildItem $dest -Recurse -Force | ForEach-Object { '{0} {1} {2:o}' -f $_.FullName, $_.Length, $_.LastWriteTimeUtc }
        $after | Should -Be $before  # every file, the index and the lock file included: same size, same time
        $out.Count | Should -Be 0
        [int](Get-TestCounter $emu).requests.media | Should -Be 0
    }

    It 'holds items that arrive while a big index is still being read, then saves every one' {
        $items = @(Add-TestItem $emu -Item @(1..5 | ForEach-Object { @{ filename = "h$_.jpg"; type = 'PHOTO'; appCreated = $true } }))
        $listed = @(Get-GPhotosMediaItem)
        # 200,000 lines of other items: the read ahead is still reading when the first items arrive.
        New-Item -ItemType Directory -Force (Join-Path $dest '.gphotos') | Out-Null
        $sb = [Text.StringBuilder]::new()
        foreach ($i in 0..199999) { [void]$sb.Append('{"id":"other-').Append($i).Append('","source":"Library","path":"o').Append($i).Append('.jpg","size":10,"saved":"2026-01-02T03:04:05.0000000Z"}').Append("`n") }
        [IO.File]::WriteAllText((Join-Path $dest '.gphotos/index.jsonl'), $sb.ToString())
        $results = @($listed | Save-GPhotosMediaItem -Path $dest)
        $results.Count | Should -Be 5
        $results.Status | Sort-Object -Unique | Should -Be 'Saved'
        @($results.Id | Sort-Object) | Should -Be @($items.id | Sort-Object)
        @(Get-ChildItem $dest -File).Name | Sort-Object | Should -Be @('h1.jpg', 'h2.jpg', 'h3.jpg', 'h4.jpg', 'h5.jpg')
    }

    It 'stops promptly on Ctrl+C while the upstream is still listing, and leaves the destination as it was' {
        Add-TestItem $emu -Item @(@{ filename = 'c.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null
        $null = Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest
        $listing = { Get-ChildItem $dest -Recurse -Force | ForEach-Object { '{0} {1} {2:o}' -f $_.FullName, $_.Length, $_.LastWriteTimeUtc } }
        $before = & $listing
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $hostPort, $dest)
                $env:GPHOTOS_EMULATOR_HOST = $hostPort
                Import-Module $module
                & { Start-Sleep -Seconds 60 } | Save-GPhotosMediaItem -Path $dest
            }).AddArgument($env:GPHOTOS_TEST_MODULE).AddArgument($emu.HostPort).AddArgument($dest)
        $async = $ps.BeginInvoke()
        try {
            Start-Sleep -Milliseconds 1500
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 2
            & $listing | Should -Be $before
        }
        finally { $ps.Dispose() }
    }
}
