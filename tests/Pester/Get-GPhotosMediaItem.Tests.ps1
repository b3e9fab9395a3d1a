BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:emu = Start-TestEmulator
    $env:GPHOTOS_EMULATOR_HOST = $emu.HostPort
    Import-Module $env:GPHOTOS_TEST_MODULE -Force

    function Connect-Test([string[]] $Scope) {
        $t = if ($Scope) { New-TestToken $emu -Scope $Scope } else { New-TestToken $emu }
        Connect-GPhotos -AccessToken $t.accessToken
    }
    function New-Photos([int] $Count, [string] $Prefix = 'IMG') {
        $items = @(1..$Count | ForEach-Object { @{ filename = ('{0}_{1:d4}.JPG' -f $Prefix, $_); type = 'PHOTO'; appCreated = $true } })
        # The control API takes at most a few thousand at once; chunk to stay polite.
        $out = @()
        for ($i = 0; $i -lt $items.Count; $i += 500) { $out += Add-TestItem $emu -Item $items[$i..([Math]::Min($i + 499, $items.Count - 1))] }
        $out
    }
}

AfterAll {
    Disconnect-GPhotos -ErrorAction SilentlyContinue
    Stop-TestEmulator $emu
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue
}

Describe 'Get-GPhotosMediaItem from the Library' {
    BeforeEach {
        Reset-TestEmulator $emu
        Connect-Test
    }

    It 'lists exactly 100 items in one request' {
        New-Photos 100 | Out-Null
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $items = @(Get-GPhotosMediaItem)
        $items.Count | Should -Be 100
        (Get-TestCounter $emu).requests.'library.list' | Should -Be 1
    }

    It 'lists 101 items in two requests' {
        New-Photos 101 | Out-Null
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        @(Get-GPhotosMediaItem).Count | Should -Be 101
        (Get-TestCounter $emu).requests.'library.list' | Should -Be 2
    }

    It 'warns once, and explains why, when the Library is empty' {
        $items = @(Get-GPhotosMediaItem -WarningVariable w -WarningAction SilentlyContinue)
        $items.Count | Should -Be 0
        $w.Count | Should -Be 1
        "$w" | Should -Match '-Pick'
    }

    It 'emits typed objects that bind and filter in PowerShell' {
        Add-TestItem $emu -Item @(
            @{ filename = 'a.jpg'; type = 'PHOTO'; appCreated = $true; width = 4032; height = 3024; cameraMake = 'Pixel'; cameraModel = 'Pixel 8'; creationTime = '2024-05-01T10:20:30Z' }
            @{ filename = 'b.mp4'; type = 'VIDEO'; mimeType = 'video/mp4'; appCreated = $true; status = 'READY' }
        ) | Out-Null
        $items = @(Get-GPhotosMediaItem)
        $items.Count | Should -Be 2
        $photo = $items | Where-Object IsPhoto
        $photo | Should -BeOfType ([GPhotos.Model.MediaItem])
        $photo.Width | Should -BeOfType ([long])
        $photo.Width | Should -Be 4032
        $photo.CreationTime.Kind | Should -Be 'Utc'
        $photo.CreationTime | Should -Be ([datetime]::new(2024, 5, 1, 10, 20, 30, [DateTimeKind]::Utc))
        $photo.MediaMetadata.Video | Should -BeNullOrEmpty
        $photo.CameraModel | Should -Be 'Pixel 8'
        $photo.Source | Should -Be 'Library'
        $video = $items | Where-Object IsVideo
        $video.MediaMetadata.Video.Status | Should -Be 'Ready'
        ($items | Where-Object { $_.MediaMetadata.Video }).Filename | Should -Be 'b.mp4'
    }

    It 'writes the first item before it asks for the second page' {
        New-Photos 250 | Out-Null
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $script:atFirst = $null
        Get-GPhotosMediaItem | ForEach-Object { if ($null -eq $script:atFirst) { $script:atFirst = (Get-TestCounter $emu).requests.'library.list' } }
        $script:atFirst | Should -Be 1
        (Get-TestCounter $emu).requests.'library.list' | Should -Be 3
    }

    It 'asks for the next page while the commands downstream still work on this one' {
        # One page ahead: a slow downstream and the next page's round trip overlap instead of adding up. The 100th item
        # (the last of page 1) waits, bounded, for the emulator to have seen the request for page 2.
        New-Photos 250 | Out-Null
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $script:n = 0
        $script:atLastOfPage1 = $null
        Get-GPhotosMediaItem | ForEach-Object {
            $script:n++
            if ($script:n -eq 100) {
                $deadline = [datetime]::UtcNow.AddSeconds(10)
                do {
                    $script:atLastOfPage1 = [int](Get-TestCounter $emu).requests.'library.list'
                    if ($script:atLastOfPage1 -ge 2) { break }
                    Start-Sleep -Milliseconds 50
                } while ([datetime]::UtcNow -lt $deadline)
            }
        }
        $script:n | Should -Be 250
        $script:atLastOfPage1 | Should -Be 2
        (Get-TestCounter $emu).requests.'library.list' | Should -Be 3
    }

    It 'lets a downstream stop early without an error, asking for at most the page ahead' {
        New-Photos 450 | Out-Null
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $items = @(Get-GPhotosMediaItem -ErrorVariable errs -ErrorAction SilentlyContinue | Select-Object -First 150)
        $items.Count | Should -Be 150
        $errs.Count | Should -Be 0
        (Get-TestCounter $emu).requests.'library.list' | Should -BeLessOrEqual 3
        # The same session lists again, whole: nothing of the abandoned page is left behind.
        @(Get-GPhotosMediaItem).Count | Should -Be 450
    }

    It 'writes every item of the pages before a page asked ahead that fails, then stops with its error' {
        New-Photos 250 | Out-Null
        $script:written = 0
        $err = {
            Get-GPhotosMediaItem -ErrorAction Stop | ForEach-Object {
                # Placed while item 1 is written: page 2 is asked for only once this returns.
                if ($script:written++ -eq 0) { Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = 'dailyQuota'; count = 1 }) } | Out-Null }
            }
        } | Should -Throw -PassThru
        $script:written | Should -Be 100
        $err.FullyQualifiedErrorId | Should -Match '^DailyQuotaExhausted'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }

    It 'filters videos on the server with a search' {
        Add-TestItem $emu -Item @(
            @{ filename = 'p.jpg'; type = 'PHOTO'; appCreated = $true }
            @{ filename = 'v.mp4'; type = 'VIDEO'; mimeType = 'video/mp4'; appCreated = $true; status = 'READY' }
        ) | Out-Null
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $items = @(Get-GPhotosMediaItem -MediaType Video)
        $items.Filename | Should -Be 'v.mp4'
        $c = Get-TestCounter $emu
        $c.requests.'library.search' | Should -Be 1
        [int]$c.requests.'library.list' | Should -Be 0
    }

    It 'filters by date range on the server' {
        Add-TestItem $emu -Item @(
            @{ filename = 'old.jpg'; type = 'PHOTO'; appCreated = $true; creationTime = '2019-06-01T00:00:00Z' }
            @{ filename = 'new.jpg'; type = 'PHOTO'; appCreated = $true; creationTime = '2024-06-01T00:00:00Z' }
            @{ filename = 'undated.jpg'; type = 'PHOTO'; appCreated = $true; creationTime = $null }
        ) | Out-Null
        @(Get-GPhotosMediaItem -From '2024-01-01' -To '2024-12-31').Filename | Should -Be 'new.jpg'
        @(Get-GPhotosMediaItem -To '2020-01-01').Filename | Should -Be 'old.jpg'
    }

    It 'filters favorites on the server' {
        Add-TestItem $emu -Item @(
            @{ filename = 'fav.jpg'; type = 'PHOTO'; appCreated = $true; favorite = $true }
            @{ filename = 'plain.jpg'; type = 'PHOTO'; appCreated = $true }
        ) | Out-Null
        @(Get-GPhotosMediaItem -Favorite).Filename | Should -Be 'fav.jpg'
    }

    It 'rejects an album together with filters before sending anything, as Google would' {
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        { Get-GPhotosMediaItem -AlbumId 'x' -MediaType Video -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidFilterCombination*'
        [int](Get-TestCounter $emu).requests.'library.search' | Should -Be 0
    }

    It 'gets items by id in batches of 50, with one error per missing id' {
        $created = New-Photos 120
        $ids = @($created.id) + 'missing-1', 'missing-2'
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $items = @($ids | Get-GPhotosMediaItem -ErrorVariable errs -ErrorAction SilentlyContinue)
        $items.Count | Should -Be 120
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -Match '^MediaItemNotFound'
        $errs[0].TargetObject | Should -Be 'missing-1'
        (Get-TestCounter $emu).requests.'library.batchGet' | Should -Be 3
    }

    It 'explains the 2025 change when the token carries a removed scope' {
        Connect-Test -Scope 'https://www.googleapis.com/auth/photoslibrary.readonly'
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^InsufficientScopes'
        $err.Exception.Message | Should -Match '2025'
        $err.Exception.Message | Should -Match 'TakeoutPath'
    }

    It 'retries 503 and 429 while listing, and loses nothing' {
        New-Photos 150 | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(
                @{ target = 'library'; kind = '503'; count = 2 }
                @{ target = 'library'; kind = '429'; count = 1; retryAfterSeconds = 1 }
            ) } | Out-Null
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        @(Get-GPhotosMediaItem).Count | Should -Be 150
        (Get-TestCounter $emu).requests.'library.list' | Should -Be 5
    }

    It 'says in -Verbose which request it retried, why, the attempt and the wait, and the listing still completes' {
        New-Photos 150 | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = '503'; count = 1 }) } | Out-Null
        $out = @(Get-GPhotosMediaItem -Verbose 4>&1)
        @($out | Where-Object { $_ -is [GPhotos.Model.MediaItem] }).Count | Should -Be 150
        $retries = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Retrying *' })
        $retries.Count | Should -Be 1
        $retries[0].Message | Should -Match '^Retrying GET [^ ?]+/v1/mediaItems after HTTP 503\b.*\(attempt 1 failed\); waiting [0-9.]+ s\.$'
        $retries[0].Message | Should -Not -Match '\?|pageToken|pageSize|Bearer'
    }

    It 'stops with "resume after" when the daily quota is spent' {
        New-Photos 3 | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = 'dailyQuota'; count = 1 }) } | Out-Null
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^DailyQuotaExhausted'
        $err.Exception.Message | Should -Match 'resume after'
    }

    It 'fails with AuthenticationExpired when a bare access token expires' {
        New-Photos 1 | Out-Null
        Invoke-Emulator $emu 'tokens/expire' -Method Post | Out-Null
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^AuthenticationExpired'
        $err.Exception.Message | Should -Match 'Connect-GPhotos'
    }

    It 'lists app-created albums and an album''s items' {
        $items = Add-TestItem $emu -Item @(1..3 | ForEach-Object { @{ filename = "a$_.jpg"; type = 'PHOTO'; appCreated = $true } })
        $album = Invoke-Emulator $emu 'albums' -Method Post -Body @{ title = 'Holidays 2024'; mediaItemIds = @($items[0].id, $items[2].id) }
        Invoke-Emulator $emu 'albums' -Method Post -Body @{ title = 'Work'; mediaItemIds = @($items[1].id) } | Out-Null
        $albums = @(Get-GPhotosAlbum)
        $albums.Count | Should -Be 2
        $albums[0] | Should -BeOfType ([GPhotos.Model.Album])
        (Get-GPhotosAlbum -Title 'Holi*').Id | Should -Be $album.id
        (Get-GPhotosAlbum -Title 'Holi*').MediaItemsCount | Should -Be 2
        @(Get-GPhotosMediaItem -AlbumId $album.id).Id | Sort-Object | Should -Be (@($items[0].id, $items[2].id) | Sort-Object)
    }

    It '-Id a,a sends the id once and still answers each requested id' {
        $one = (New-Photos 1)[0]
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $items = @(Get-GPhotosMediaItem -Id $one.id, $one.id -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 0
        $items.Count | Should -Be 2
        $items[0].Id | Should -Be $one.id
        (Get-TestCounter $emu).requests.'library.batchGet' | Should -Be 1
    }

    It 'isolates one malformed id: the other ids are fetched and the bad one gets its own error' {
        $created = New-Photos 30
        $ids = @($created.id[0..14]) + 'not a valid id!' + @($created.id[15..29])
        $items = @(Get-GPhotosMediaItem -Id $ids -ErrorVariable errs -ErrorAction SilentlyContinue)
        $items.Count | Should -Be 30
        $errs.Count | Should -Be 1
        # Google's status 3 (INVALID_ARGUMENT): a malformed id, told apart from one that is well-formed but not found.
        $errs[0].FullyQualifiedErrorId | Should -Match '^InvalidMediaItemId'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'not a valid id!'
        $errs[0].Exception.Message | Should -Match 'not a valid media item id'
    }

    It 'follows empty pages that carry a next-page token and loses nothing' {
        New-Photos 150 | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = 'emptyPage'; count = 3 }) } | Out-Null
        @(Get-GPhotosMediaItem).Count | Should -Be 150
    }

    It 'stops with ListingStalled when Google only ever sends empty pages' {
        New-Photos 3 | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = 'emptyPage'; count = 40 }) } | Out-Null
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^ListingStalled'
        $err.CategoryInfo.Category | Should -Be 'ProtocolError'
        Invoke-Emulator $emu 'faults' -Method Delete | Out-Null
    }

    It 'lists an item Google repeats on the next page once, with a warning naming it' {
        $created = New-Photos 150
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = 'repeatItem' }) } | Out-Null
        $items = @(Get-GPhotosMediaItem -WarningVariable w -WarningAction SilentlyContinue)
        $items.Count | Should -Be 150
        @($items.Id | Sort-Object -Unique).Count | Should -Be 150
        $w.Count | Should -Be 1
        $repeated = $items[99]
        "$w" | Should -Match ([regex]::Escape($repeated.Id))
        "$w" | Should -Match ([regex]::Escape($repeated.Filename))
    }

    It 'shows an HTML 502 as readable text, without its CSS' {
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = 'htmlError'; status = 502; count = 10 }) } | Out-Null
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^GoogleApiHttp502'
        $err.Exception.Message | Should -Match '502\. That.s an error'
        $err.Exception.Message | Should -Not -Match 'margin|\{|<'
        Invoke-Emulator $emu 'faults' -Method Delete | Out-Null
    }

    It 'ignores an absurd Retry-After (2147483647) and lists everything' {
        New-Photos 5 | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = '429'; retryAfter = '2147483647' }) } | Out-Null
        @(Get-GPhotosMediaItem).Count | Should -Be 5
    }

    It 'stops with "resume after" when Retry-After asks for hours' {
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = '503'; retryAfter = 'date:+10800' }) } | Out-Null
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^RateLimited'  # not the daily quota: a long Retry-After
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -Match 'Resume after'
    }

    It 'completes -AlbumId within its few-second budget even when Google stalls' {
        Invoke-Emulator $emu 'albums' -Method Post -Body @{ title = 'Trip'; mediaItemIds = @() } | Out-Null
        $fast = TabExpansion2 -inputScript 'Get-GPhotosMediaItem -AlbumId ' -cursorColumn 'Get-GPhotosMediaItem -AlbumId '.Length
        @($fast.CompletionMatches | Where-Object ToolTip -Match 'Trip').Count | Should -Be 1
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = 'slow'; count = 20; delayMs = 30000 }) } | Out-Null
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $slow = TabExpansion2 -inputScript 'Get-GPhotosMediaItem -AlbumId ' -cursorColumn 'Get-GPhotosMediaItem -AlbumId '.Length
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        @($slow.CompletionMatches | Where-Object ToolTip -Match 'Trip').Count | Should -Be 0
        Invoke-Emulator $emu 'faults' -Method Delete | Out-Null
    }

    It 'stops listing promptly on Ctrl+C' {
        1..3 | ForEach-Object { New-Photos 100 -Prefix "S$_" } | Out-Null
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'library'; kind = 'slow'; count = 5; delayMs = 20000 }) } | Out-Null
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $hostPort, $token)
                $env:GPHOTOS_EMULATOR_HOST = $hostPort
                Import-Module $module
                Connect-GPhotos -AccessToken $token
                Get-GPhotosMediaItem
            }).AddArgument($env:GPHOTOS_TEST_MODULE).AddArgument($emu.HostPort).AddArgument((New-TestToken $emu).accessToken)
        $async = $ps.BeginInvoke()
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(20)
            while ([int](Get-TestCounter $emu).faultsInjected.slow -lt 1 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        }
        finally { $ps.Dispose(); Invoke-Emulator $emu 'faults' -Method Delete | Out-Null }
    }
}

Describe 'Get-GPhotosMediaItem from the Picker' {
    BeforeEach {
        Reset-TestEmulator $emu -Library @{ empty = $true; pollIntervalSeconds = 1 }
        Connect-Test
        # Picker items need not be app-created: the user picks from the whole library.
        $script:lib = Add-TestItem $emu -Item @(1..130 | ForEach-Object { @{ filename = "P$_.JPG"; type = 'PHOTO'; appCreated = $false } })
    }

    It 'lists a session the user finished, every page, as Picker items' {
        $session = New-GPhotosPickerSession -NoBrowser 6>$null
        $session.PickerUri | Should -Not -BeNullOrEmpty
        Invoke-Emulator $emu "picker/$($session.Id)/pick" -Method Post -Body @{ mediaItemIds = @($lib.id) } | Out-Null
        $items = @(Get-GPhotosMediaItem -SessionId $session.Id)
        $items.Count | Should -Be 130
        $items[0].Source | Should -Be 'Picker'
        $items[0].SessionId | Should -Be $session.Id
        $items[0].Width | Should -BeOfType ([long])
    }

    It 'says at once, without retrying, that too many picking sessions are open' {
        Invoke-Emulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'picker'; kind = 'tooManySessions'; count = 10 }) } | Out-Null
        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $err = { New-GPhotosPickerSession -NoBrowser -ErrorAction Stop 6>$null } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^TooManyPickerSessions'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -Match 'Remove-GPhotosPickerSession'
        (Get-TestCounter $emu).requests.'picker.sessions.create' | Should -Be 1
        Invoke-Emulator $emu 'faults' -Method Delete | Out-Null
    }

    It 'says the user is not done yet instead of returning nothing' {
        $session = New-GPhotosPickerSession -NoBrowser 6>$null
        $err = { Get-GPhotosMediaItem -SessionId $session.Id -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match 'FailedPrecondition'
    }

    It '-Pick waits at the server''s poll interval until the user is done' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $hostPort, $token)
                $env:GPHOTOS_EMULATOR_HOST = $hostPort
                Import-Module $module
                Connect-GPhotos -AccessToken $token
                Get-GPhotosMediaItem -Pick -NoBrowser -Timeout '00:01:00' 6>$null
            }).AddArgument($env:GPHOTOS_TEST_MODULE).AddArgument($emu.HostPort).AddArgument((New-TestToken $emu).accessToken)
        $async = $ps.BeginInvoke()
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(20)
            do { Start-Sleep -Milliseconds 200; $created = (Get-TestCounter $emu).requests.'picker.sessions.create' } until ($created -ge 1 -or [datetime]::UtcNow -gt $deadline)
            $id = @((Invoke-Emulator $emu 'sessions').sessions)[0].id
            Invoke-Emulator $emu "picker/$id/pick" -Method Post -Body @{ mediaItemIds = @($lib[0..4].id) } | Out-Null
            $items = $ps.EndInvoke($async)
            $items.Count | Should -Be 5
            $ps.Streams.Error.Count | Should -Be 0
            (Get-TestCounter $emu).requests.'picker.sessions.get' | Should -BeGreaterOrEqual 1
        }
        finally { $ps.Dispose() }
    }

    It '-Pick gives up cleanly when nobody picks before the timeout' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $err = { Get-GPhotosMediaItem -Pick -NoBrowser -Timeout '00:00:02' -ErrorAction Stop 6>$null } | Should -Throw -PassThru
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 15
        $err.FullyQualifiedErrorId | Should -Match '^PickingTimedOut'
    }

    It 'says the session expired when listing an expired session' {
        $session = New-GPhotosPickerSession -NoBrowser 6>$null
        Invoke-Emulator $emu "picker/$($session.Id)/pick" -Method Post -Body @{ count = 3 } | Out-Null
        Invoke-Emulator $emu 'clock' -Method Post -Body @{ advanceSeconds = 3 * 86400 } | Out-Null
        Connect-Test
        { Get-GPhotosMediaItem -SessionId $session.Id -ErrorAction Stop } | Should -Throw
    }
}

# Issue 13: the Takeout reader reports through the cmdlet's reporter (IReporter), drained between items: an unreadable
# part is an error from the catalog, a skipped entry a warning naming it, in the order they were found, nothing lost.
Describe 'Get-GPhotosMediaItem -TakeoutPath reports what the reader found' {
    It 'writes the damaged part''s error and the skipped sidecar''s warning before the items, and reads the good part' {
        Add-Type -AssemblyName System.IO.Compression
        $dir = Join-Path $TestDrive 'reporting'
        New-Item -ItemType Directory $dir | Out-Null
        $good = Join-Path $dir 'takeout-20240101T000000Z-001.zip'
        $zip = [IO.Compression.ZipFile]::Open($good, 'Create')
        foreach ($e in @(
                @('Takeout/Google Photos/Trip/a.jpg', 'not really a jpeg'),
                @('Takeout/Google Photos/Trip/lost.jpg.json', '{"title":"lost.jpg","photoTakenTime":{"timestamp":"1600000000"}}'))) {
            $w = [IO.StreamWriter]::new($zip.CreateEntry($e[0]).Open()); $w.Write($e[1]); $w.Dispose()
        }
        $zip.Dispose()
        $bad = Join-Path $dir 'takeout-20240101T000000Z-002.zip'
        [IO.File]::WriteAllBytes($bad, [byte[]](@(0x50, 0x4B, 3, 4) + @(0x5A) * 5000))

        $all = @(Get-GPhotosMediaItem -TakeoutPath $good, $bad -ErrorAction Continue 2>&1 3>&1)
        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $items = @($all | Where-Object { $_ -is [GPhotos.Model.MediaItem] })

        $items.Filename | Should -Be @('a.jpg')
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'TakeoutArchiveUnreadable,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ReadError'
        $errors[0].TargetObject | Should -Be $bad
        "$($errors[0])" | Should -BeLike "*$bad*"
        @($warnings | Where-Object { "$_" -like '*lost.jpg.json*' }).Count | Should -Be 1
        # Found while indexing and matching, so written before the first item (not saved up for the end).
        $firstItem = [array]::IndexOf($all, $items[0])
        [array]::IndexOf($all, $errors[0]) | Should -BeLessThan $firstItem
        [array]::IndexOf($all, ($warnings | Where-Object { "$_" -like '*lost.jpg.json*' })) | Should -BeLessThan $firstItem
    }
}
