# Issue 16: a backup you can check and browse. Synthetic Takeout exports (the emulator's generator; no sign-in),
# saved with hashes and album links, damaged on purpose, checked with Test-GPhotosBackup, repaired by the next save.
BeforeAll {
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue

    $script:export = Join-Path $TestDrive 'export'
    & dotnet $env:GPHOTOS_TEST_EMULATOR takeout --out $export --seed 5 --parts 2 | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "The Takeout generator failed ($LASTEXITCODE)." }
    $script:manifest = Get-Content (Join-Path $export 'manifest.json') -Raw | ConvertFrom-Json
    $script:items = @(Get-GPhotosMediaItem -TakeoutPath (Join-Path $export '*.zip') -WarningAction SilentlyContinue)

    function Save-Backup([string] $Dest, [hashtable] $Extra = @{}) {
        @($items | Save-GPhotosMediaItem -Path $Dest -AlbumFolder Albums @Extra)
    }
    function Flip-LastByte([string] $Path) {
        $bytes = [IO.File]::ReadAllBytes($Path); $bytes[-1] = $bytes[-1] -bxor 0xFF; [IO.File]::WriteAllBytes($Path, $bytes)
    }
}

Describe 'Save-GPhotosMediaItem: hashes and album folders' {
    BeforeAll {
        $script:dest = Join-Path $TestDrive 'hashes'
        $script:saved = Save-Backup $dest -Extra @{ WarningAction = 'SilentlyContinue' }
    }

    It 'gives every result the SHA-256 of its file, as Get-FileHash computes it' {
        $saved.Count | Should -Be $items.Count
        foreach ($r in $saved) { $r.Sha256 | Should -Be (Get-FileHash -LiteralPath $r.Path -Algorithm SHA256).Hash.ToLowerInvariant() }
    }

    It 'lays out every album as hard links to the saved files (no copies)' {
        $inAlbums = @($saved | Where-Object { $_.Item.Albums.Count -gt 0 })
        $inAlbums.Count | Should -BeGreaterThan 0 -Because 'the generated export has albums'
        foreach ($r in $inAlbums) {
            $r.AlbumLinks.Count | Should -Be @($r.Item.Albums | Sort-Object -Unique).Count
            foreach ($link in $r.AlbumLinks) {
                $link | Should -BeLike (Join-Path $dest 'Albums*')
                (Get-FileHash -LiteralPath $link).Hash | Should -Be (Get-FileHash -LiteralPath $r.Path).Hash
            }
        }
        # A hard link, not a copy: one more byte in the saved file shows through the link (then it is taken back).
        $one = $inAlbums[0]
        $f = [IO.File]::Open($one.Path, 'Open', 'ReadWrite'); $f.SetLength($one.Bytes + 1); $f.Dispose()
        try { (Get-Item -LiteralPath $one.AlbumLinks[0]).Length | Should -Be ($one.Bytes + 1) }
        finally { $f = [IO.File]::Open($one.Path, 'Open', 'ReadWrite'); $f.SetLength($one.Bytes); $f.Dispose() }
    }

    It 'finds a fresh backup healthy, quickly and in full, and -Quiet says $true' {
        $quick = @(Test-GPhotosBackup -Path $dest)
        $quick.Count | Should -Be 1
        $quick[0].Healthy | Should -BeTrue
        $full = Test-GPhotosBackup -Path $dest -Full
        $full.Healthy | Should -BeTrue
        $full.Hashed | Should -BeGreaterOrEqual $items.Count
        $full.MBPerSecond | Should -BeGreaterThan 0
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $true
    }
}

Describe 'Test-GPhotosBackup finds damage, and the next save repairs or keeps it' {
    It 'reports one object per problem, then the save restores missing files and keeps changed ones until -Force' {
        $dest = Join-Path $TestDrive 'damage'
        $first = Save-Backup $dest -Extra @{ WarningAction = 'SilentlyContinue' }
        $photos = @($first | Where-Object { $_.Item.IsPhoto -and $_.Bytes -gt 100 -and $_.AlbumLinks.Count -eq 0 })
        $gone, $longer, $rotten = $photos[0], $photos[1], $photos[2]
        $linked = $first | Where-Object { $_.AlbumLinks.Count -gt 0 } | Select-Object -First 1
        Remove-Item -LiteralPath $gone.Path
        Add-Content -LiteralPath $longer.Path -Value 'my edit'
        Flip-LastByte $rotten.Path
        Set-Content (Join-Path $dest 'notes.txt') 'mine'
        Remove-Item -LiteralPath $linked.AlbumLinks[0]

        $quick = @(Test-GPhotosBackup -Path $dest)
        $problems = @($quick | Where-Object { $_ -is [GPhotos.Verification.BackupProblem] })
        ($problems | Where-Object Kind -EQ 'Missing').Id | Should -Be $gone.Id
        ($problems | Where-Object Kind -EQ 'SizeChanged').Path | Should -Be $longer.Path
        ($problems | Where-Object Kind -EQ 'Unindexed').Path | Should -Be (Join-Path $dest 'notes.txt')
        ($problems | Where-Object Kind -EQ 'AlbumLinkBroken').Id | Should -Be $linked.Id
        $problems.Kind | Should -Not -Contain 'ContentChanged' -Because 'only -Full reads the files'
        $quick[-1].Problems | Should -Be 4

        $full = @(Test-GPhotosBackup -Path $dest -Full)
        $changed = $full | Where-Object Kind -EQ 'ContentChanged'
        $changed.Path | Should -Be $rotten.Path
        $changed.ActualSha256 | Should -Not -Be $changed.ExpectedSha256
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $false

        $second = @($items | Save-GPhotosMediaItem -Path $dest -AlbumFolder Albums -WarningVariable w -WarningAction SilentlyContinue)
        ($second | Where-Object Id -EQ $gone.Id).Reason | Should -Be 'Missing'
        (Get-FileHash -LiteralPath $gone.Path).Hash.ToLowerInvariant() | Should -Be $gone.Sha256
        "$w" | Should -Match ([regex]::Escape($gone.Path))
        foreach ($kept in $longer, $rotten) {
            ($second | Where-Object Id -EQ $kept.Id).Reason | Should -Be 'ChangedKept'
            "$w" | Should -Match ([regex]::Escape($kept.Path))
        }
        (Get-Content -LiteralPath $longer.Path -Raw) | Should -Match 'my edit'
        Test-Path -LiteralPath $linked.AlbumLinks[0] | Should -BeTrue

        $forced = @($items | Where-Object Id -In $longer.Id, $rotten.Id | Save-GPhotosMediaItem -Path $dest -AlbumFolder Albums -Force -WarningAction SilentlyContinue)
        $forced.Status | Sort-Object -Unique | Should -Be 'Saved'
        Remove-Item (Join-Path $dest 'notes.txt')
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $true
    }
}

Describe 'Test-GPhotosBackup errors and Ctrl+C' {
    BeforeAll {
        # Runs Test-GPhotosBackup in another runspace, checks it is still busy after 1.5 s, then does what Ctrl+C
        # does (Stop) and returns how long the stop took.
        function Measure-StopOfCheck([string] $Destination, [switch] $Full, [string] $Because) {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({ param($m, $d, $f) Import-Module $m; Test-GPhotosBackup -Path $d -Full:$f -Quiet }).AddArgument($env:GPHOTOS_TEST_MODULE).AddArgument($Destination).AddArgument([bool]$Full)
                $async = $ps.BeginInvoke()
                Start-Sleep -Milliseconds 1500
                $async.IsCompleted | Should -BeFalse -Because $Because
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $sw.Elapsed.TotalSeconds
            }
            finally { $ps.Dispose() }
        }
    }

    It 'says when the folder or its index is missing' {
        $err = { Test-GPhotosBackup -Path (Join-Path $TestDrive 'nowhere') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^BackupFolderNotFound'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $empty = New-Item -ItemType Directory (Join-Path $TestDrive 'empty')
        $err = { Test-GPhotosBackup -Path $empty.FullName -Quiet -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^BackupIndexNotFound'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$err" | Should -Match 'nothing was saved there'
    }

    It 'says so when a save holds the folder' {
        $dest = Join-Path $TestDrive 'locked'
        Save-Backup $dest -Extra @{ WarningAction = 'SilentlyContinue' } | Out-Null
        $held = [IO.File]::Open((Join-Path $dest '.gphotos/lock'), 'OpenOrCreate', 'ReadWrite', 'None')
        try {
            $err = { Test-GPhotosBackup -Path $dest -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Match '^DestinationLocked'
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        }
        finally { $held.Dispose() }
    }

    It 'stops a -Full check within a second of Ctrl+C' {
        $dest = Join-Path $TestDrive 'big'
        New-Item -ItemType Directory (Join-Path $dest '.gphotos') -Force | Out-Null
        $size = 40GB  # sparse: costs no disk, but takes many seconds to hash
        $f = [IO.File]::Create((Join-Path $dest 'big.bin')); $f.SetLength($size); $f.Dispose()
        Set-Content (Join-Path $dest '.gphotos/index.jsonl') ('{"id":"big","source":"Takeout","path":"big.bin","size":' + $size + ',"sha256":"' + ('0' * 64) + '"}')
        Measure-StopOfCheck $dest -Full -Because 'the check must still be reading' | Should -BeLessThan 1
        # The lock was released.
        Test-GPhotosBackup -Path $dest | Select-Object -Last 1 | ForEach-Object Files | Should -Be 1
    }

    It 'stops within a second of Ctrl+C while it reads a large index' {
        # 4 million short lines with spaces (not Save's own form, so each takes the full JSON reader): seconds to read
        # even on a fast machine (Save's own lines now load at 1-3 µs each). The read used to ignore Ctrl+C until the
        # last line (a 500k-item backup: 5-20 s).
        $dest = Join-Path $TestDrive 'bigindex'
        New-Item -ItemType Directory (Join-Path $dest '.gphotos') -Force | Out-Null
        # 1,000 entries written 4,000 times (a later line of an id replaces the earlier: every line is still read).
        $block = (0..999 | ForEach-Object { '{"id": "i' + $_ + '", "path": "p' + $_ + '.jpg", "size": 1}' }) -join "`n"
        $w = [IO.StreamWriter]::new((Join-Path $dest '.gphotos/index.jsonl'))
        try { for ($i = 0; $i -lt 4000; $i++) { $w.Write($block); $w.Write("`n") } }
        finally { $w.Dispose() }
        Measure-StopOfCheck $dest -Because 'the index must still be being read' | Should -BeLessThan 1
        # The lock was released: a second check can take it (it fails on nothing but the missing files).
        $held = [IO.File]::Open((Join-Path $dest '.gphotos/lock'), 'OpenOrCreate', 'ReadWrite', 'None')
        $held.Dispose()
    }
}

Describe 'Each photo once across sources (emulator Library + Takeout)' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:emu = Start-TestEmulator
        $env:GPHOTOS_EMULATOR_HOST = $emu.HostPort
    }
    AfterAll {
        Disconnect-GPhotos -ErrorAction SilentlyContinue
        Stop-TestEmulator $emu
        Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue
    }

    It 'replaces the Library copy by the Takeout original (Upgraded), then saves neither again' {
        Reset-TestEmulator $emu
        Connect-GPhotos -AccessToken (New-TestToken $emu).accessToken
        $t = $items | Where-Object { $_.IsPhoto -and $_.Width -and $_.Height -and $_.CreationTime } | Select-Object -First 1
        Add-TestItem $emu -Item @(@{ filename = $t.Filename; type = 'PHOTO'; appCreated = $true; mimeType = $t.MimeType
                creationTime = $t.CreationTime.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'); width = $t.Width; height = $t.Height }) | Out-Null
        $dest = Join-Path $TestDrive 'once'
        $lib = Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest
        $lib.Status | Should -Be 'Saved'

        $up = $t | Save-GPhotosMediaItem -Path $dest
        $up.Status | Should -Be 'Upgraded'
        $up.Path | Should -Be $lib.Path
        (Get-FileHash -LiteralPath $up.Path).Hash | Should -Be ($manifest.Items | Where-Object Id -EQ $t.Id).Sha256
        @(Get-ChildItem $dest -File).Count | Should -Be 1

        Invoke-Emulator $emu 'counters' -Method Delete | Out-Null
        $again = Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $dest
        $again.Status | Should -Be 'Skipped'
        $again.Reason | Should -Be 'SavedFromOtherSource'
        $again.Path | Should -Be $up.Path
        (Get-TestCounter $emu).requests.media | Should -Be 0
        ($t | Save-GPhotosMediaItem -Path $dest).Reason | Should -Be 'AlreadySaved'
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $true
    }
}

Describe 'examples/Backup-GooglePhotos.ps1 leaves a backup Test-GPhotosBackup finds clean' {
    BeforeAll { Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force }

    It 'saves a Takeout export as the scheduler runs it, keeps its log in .gphotos, names it, and -Quiet is true' {
        $dest = Join-Path $TestDrive 'example-backup'
        $example = Join-Path $PSScriptRoot '../../examples/Backup-GooglePhotos.ps1'
        $run = {
            Invoke-ChildPwsh -Environment @{ EXAMPLE = $example; DEST = $dest; TAKEOUT = $export } -Script @'
& $env:EXAMPLE -Destination $env:DEST -Source Takeout -TakeoutPath $env:TAKEOUT -ModulePath $env:GPHOTOS_TEST_MODULE
exit $LASTEXITCODE
'@
        }
        $first = & $run
        $first.ExitCode | Should -Be 0 -Because "$($first.Output)`n$($first.Error)"
        $first.Output | Should -Match "Done: $($items.Count) saved"
        $logs = @(Get-ChildItem (Join-Path $dest '.gphotos/logs') -Filter 'backup-*.log')
        $logs.Count | Should -Be 1
        $first.Output | Should -Match ('Log: ' + [regex]::Escape($logs[0].FullName))
        Test-Path (Join-Path $dest 'GPhotos-logs') | Should -BeFalse
        # What a user who follows our example sees from our own checker: no problem, quick or full.
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $true
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $true

        # The next night: nothing new, a second log, still clean.
        Start-Sleep -Milliseconds 1100 # the log's name has the second
        $second = & $run
        $second.ExitCode | Should -Be 0 -Because "$($second.Output)`n$($second.Error)"
        $second.Output | Should -Match "Done: 0 saved \(0 MB\), $($items.Count) already there, 0 failed\."
        @(Get-ChildItem (Join-Path $dest '.gphotos/logs') -Filter 'backup-*.log').Count | Should -Be 2
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $true
    }

    It 'moves a session list kept at the earlier default into .gphotos, so the checker does not report it' {
        $dest = Join-Path $TestDrive 'example-sessions'
        New-Item -ItemType Directory $dest | Out-Null
        $items | Select-Object -First 2 | Save-GPhotosMediaItem -Path $dest -WarningAction SilentlyContinue | Out-Null
        Set-Content (Join-Path $dest 'GPhotos-picker-sessions.txt') '# no sessions yet'
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $false -Because 'the old default is a file the index does not know'
        $example = Join-Path $PSScriptRoot '../../examples/Backup-GooglePhotos.ps1'
        # Without a sign-in the run stops at Connect (exit 2), after the script's files are in place.
        $run = Invoke-ChildPwsh -Environment @{ EXAMPLE = $example; DEST = $dest; GPHOTOS_EMULATOR_HOST = '' } -Script @'
& $env:EXAMPLE -Destination $env:DEST -Source PickerSessions -ClientSecretPath (Join-Path $env:DEST 'missing.json') -ModulePath $env:GPHOTOS_TEST_MODULE
exit $LASTEXITCODE
'@
        $run.ExitCode | Should -Be 2 -Because "$($run.Output)`n$($run.Error)"
        Get-Content (Join-Path $dest '.gphotos/picker-sessions.txt') | Should -Be '# no sessions yet'
        Test-Path (Join-Path $dest 'GPhotos-picker-sessions.txt') | Should -BeFalse
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $true
    }
}

Describe 'examples/Save-VideosOnly.ps1 leaves a backup Test-GPhotosBackup finds clean' {
    BeforeAll { Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force }

    It 'saves the videos, writes its list in .gphotos/logs, names it, and -Quiet is true' {
        $dest = Join-Path $TestDrive 'example-videos'
        $example = Join-Path $PSScriptRoot '../../examples/Save-VideosOnly.ps1'
        $run = Invoke-ChildPwsh -Environment @{ EXAMPLE = $example; DEST = $dest; TAKEOUT = (Join-Path $export '*.zip') } -Script @'
& $env:EXAMPLE -Destination $env:DEST -TakeoutPath $env:TAKEOUT -ModulePath $env:GPHOTOS_TEST_MODULE
exit $LASTEXITCODE
'@
        $run.ExitCode | Should -Be 0 -Because "$($run.Output)`n$($run.Error)"
        $videos = @($items | Where-Object IsVideo)
        $videos.Count | Should -BeGreaterThan 0 -Because 'the generated export has videos to save'
        $lists = @(Get-ChildItem (Join-Path $dest '.gphotos/logs') -Filter 'videos-saved-*.csv')
        $lists.Count | Should -Be 1
        @(Import-Csv -LiteralPath $lists[0].FullName).Count | Should -Be $videos.Count
        ($run.Output -replace '\s+', ' ') | Should -Match ([regex]::Escape("The list is in $($lists[0].FullName)"))
        @(Get-ChildItem $dest -File -Filter '*.csv').Count | Should -Be 0
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $true
    }
}

Describe 'examples/Watch-TakeoutFolder.ps1 leaves a backup Test-GPhotosBackup finds clean' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:watchExample = Join-Path $PSScriptRoot '../../examples/Watch-TakeoutFolder.ps1'
        function Invoke-Watch([string] $Watch, [string] $Dest) {
            Invoke-ChildPwsh -Environment @{ EXAMPLE = $watchExample; DEST = $Dest; WATCH = $Watch } -Script @'
& $env:EXAMPLE -WatchFolder $env:WATCH -Destination $env:DEST -Once -SettleTime 0 -ModulePath $env:GPHOTOS_TEST_MODULE
exit $LASTEXITCODE
'@
        }
    }

    It 'saves an arrived export, remembers it in .gphotos, names the file, and -Quiet is true' {
        $watch = Join-Path $TestDrive 'watch'
        New-Item -ItemType Directory $watch | Out-Null
        Copy-Item (Join-Path $export '*.zip') $watch
        $dest = Join-Path $TestDrive 'example-watch'
        $run = Invoke-Watch $watch $dest
        $run.ExitCode | Should -Be 0 -Because "$($run.Output)`n$($run.Error)"
        $state = Join-Path $dest '.gphotos/takeout-imports.json'
        ($run.Output -replace '\s+', ' ') | Should -Match ([regex]::Escape("remembered in $state"))
        (Get-Content -Raw $state | ConvertFrom-Json).PSObject.Properties.Name | Should -Be 'takeout-20261101T000000Z'
        Test-Path (Join-Path $dest 'GPhotos-takeout-imports.json') | Should -BeFalse
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $true
    }

    It 'moves a state file kept at the earlier default into .gphotos and goes on from it' {
        $dest = Join-Path $TestDrive 'example-watch-old'
        New-Item -ItemType Directory $dest | Out-Null
        $items | Select-Object -First 2 | Save-GPhotosMediaItem -Path $dest -WarningAction SilentlyContinue | Out-Null
        $old = @{ 'takeout-old' = @{ Fingerprint = 'x'; Processed = '2026-01-01T00:00:00Z'; Saved = 2; Skipped = 0; Failed = 0 } }
        $old | ConvertTo-Json -Depth 4 | Set-Content (Join-Path $dest 'GPhotos-takeout-imports.json')
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $false -Because 'the old default is a file the index does not know'
        $watch = Join-Path $TestDrive 'watch-empty'
        New-Item -ItemType Directory $watch | Out-Null
        $run = Invoke-Watch $watch $dest
        $run.ExitCode | Should -Be 0 -Because "$($run.Output)`n$($run.Error)"
        Test-Path (Join-Path $dest 'GPhotos-takeout-imports.json') | Should -BeFalse
        (Get-Content -Raw (Join-Path $dest '.gphotos/takeout-imports.json') | ConvertFrom-Json).'takeout-old'.Saved | Should -Be 2
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $true
    }
}
