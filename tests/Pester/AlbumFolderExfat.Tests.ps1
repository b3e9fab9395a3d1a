# Issue 16 item 3 on a real file system without hard links: an exFAT volume (a loop device mounted with exfat-fuse),
# not a replaced link call. Runs where the machine can mount one (Linux, root, /dev/fuse, exfatprogs and exfat-fuse:
# `apt-get install exfatprogs exfat-fuse`, which .ci/run does when it can); elsewhere it is skipped and says why.
BeforeDiscovery {
    $script:exfatWhy = if (-not $IsLinux) { 'not Linux' }
        elseif ((& id -u) -ne '0') { 'not root (a loop device needs it)' }
        elseif (-not (Test-Path /dev/fuse)) { 'no /dev/fuse' }
        else {
            $missing = @('mkfs.exfat', 'mount.exfat-fuse', 'losetup') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
            if ($missing) { "missing $($missing -join ', ') (apt-get install exfatprogs exfat-fuse)" }
        }
}

BeforeAll {
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue

    $script:image = Join-Path $TestDrive 'exfat.img'
    $script:mountPoint = Join-Path $TestDrive 'exfat'
    New-Item -ItemType Directory $mountPoint | Out-Null
    # A machine may have the tools but no loop devices or FUSE mounts (a container): then every test here is skipped
    # and says why, rather than failing on something that is not GPhotos.
    $script:noExfat = $null
    $f = [IO.File]::Create($image); $f.SetLength(64MB); $f.Dispose()
    $out = & mkfs.exfat $image 2>&1
    if ($LASTEXITCODE -ne 0) { $script:noExfat = "mkfs.exfat failed ($LASTEXITCODE): $out" }
    else {
        $script:loop = (& losetup -f --show $image 2>&1)
        if ($LASTEXITCODE -ne 0 -or -not $loop) { $script:noExfat = "losetup failed ($LASTEXITCODE): $loop"; $script:loop = $null }
        else {
            $out = & mount.exfat-fuse $loop $mountPoint 2>&1
            if ($LASTEXITCODE -ne 0) { $script:noExfat = "mount.exfat-fuse failed ($LASTEXITCODE): $out"; & losetup -d $loop; $script:loop = $null }
        }
    }

    $script:export = Join-Path $TestDrive 'export'
    & dotnet $env:GPHOTOS_TEST_EMULATOR takeout --out $export --seed 5 --parts 1 | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "The Takeout generator failed ($LASTEXITCODE)." }
    $script:items = @(Get-GPhotosMediaItem -TakeoutPath (Join-Path $export '*.zip') -WarningAction SilentlyContinue)
    $script:inAlbums = @($items | Where-Object { $_.Albums.Count -gt 0 })
}

AfterAll {
    if ($script:loop) {
        & umount $mountPoint *> $null
        & losetup -d $loop *> $null
    }
}

Describe 'Album folders on exFAT (no hard links)' -Skip:([bool]$exfatWhy) {
    It 'the volume really refuses hard links (else this file tests nothing)' {
        if ($noExfat) { Set-ItResult -Skipped -Because $noExfat; return }
        $a = Join-Path $mountPoint 'probe'; Set-Content $a 'x'
        { New-Item -ItemType HardLink -Path (Join-Path $mountPoint 'probe2') -Target $a -ErrorAction Stop } | Should -Throw
        Remove-Item $a
    }

    It '-AlbumLinkFallback Copy says so once, copies every album file whole, and the check reads the copies' {
        if ($noExfat) { Set-ItResult -Skipped -Because $noExfat; return }
        $inAlbums.Count | Should -BeGreaterThan 0 -Because 'the generated export has albums'
        $dest = Join-Path $mountPoint 'copy'
        $saved = @($items | Save-GPhotosMediaItem -Path $dest -AlbumFolder Albums -AlbumLinkFallback Copy -WarningVariable w -WarningAction SilentlyContinue)
        $saved.Count | Should -Be $items.Count
        $said = @($w | Where-Object { "$_" -like 'Hard links are not possible*' })
        $said.Count | Should -Be 1
        "$($said[0])" | Should -BeLike "*'$dest'*copies*"
        $copies = @($saved | ForEach-Object AlbumLinks)
        $copies.Count | Should -BeGreaterThan 0
        foreach ($r in $saved | Where-Object { $_.AlbumLinks.Count }) {
            foreach ($c in $r.AlbumLinks) { (Get-FileHash -LiteralPath $c).Hash.ToLowerInvariant() | Should -Be $r.Sha256 }
        }
        @(Get-ChildItem (Join-Path $dest '.gphotos/tmp') -File).Count | Should -Be 0 -Because 'copies are moved in whole'

        $full = Test-GPhotosBackup -Path $dest -Full
        $full.Healthy | Should -BeTrue
        $full.Hashed | Should -Be ($items.Count + $copies.Count) -Because 'a copy is its own bytes, so -Full reads it'

        # A copy rots on its own: only -Full can tell (same size), it names the copy, and the photo stays fine.
        $victim = $copies[0]
        $bytes = [IO.File]::ReadAllBytes($victim); $bytes[-1] = $bytes[-1] -bxor 0xFF; [IO.File]::WriteAllBytes($victim, $bytes)
        Test-GPhotosBackup -Path $dest -Quiet | Should -BeExactly $true
        $problems = @(Test-GPhotosBackup -Path $dest -Full | Where-Object { $_ -is [GPhotos.Verification.BackupProblem] })
        $problems.Count | Should -Be 1
        $problems[0].Kind | Should -Be 'AlbumLinkBroken'
        $problems[0].Path | Should -Be $victim
        $problems[0].Message | Should -BeLike '*album copy*makes it again*'

        # The message's advice works: delete it, save again, healthy.
        Remove-Item -LiteralPath $victim
        $again = @($items | Save-GPhotosMediaItem -Path $dest -AlbumFolder Albums -AlbumLinkFallback Copy -WarningAction SilentlyContinue)
        @($again | Where-Object Status -NE 'Skipped').Count | Should -Be 0
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $true
    }

    It 'an item that left its album loses its copy on the next run' {
        if ($noExfat) { Set-ItResult -Skipped -Because $noExfat; return }
        $dest = Join-Path $mountPoint 'leave'
        $first = @($items | Save-GPhotosMediaItem -Path $dest -AlbumFolder Albums -AlbumLinkFallback Copy -WarningAction SilentlyContinue)
        $one = $first | Where-Object { $_.AlbumLinks.Count } | Select-Object -First 1
        $gone = @($one.AlbumLinks)
        # A fresh listing, so the shared items keep their albums; the same export with this one item out of its albums.
        $fresh = @(Get-GPhotosMediaItem -TakeoutPath (Join-Path $export '*.zip') -WarningAction SilentlyContinue)
        ($fresh | Where-Object Id -EQ $one.Id).Albums = [string[]]@()
        @($fresh | Save-GPhotosMediaItem -Path $dest -AlbumFolder Albums -AlbumLinkFallback Copy -WarningAction SilentlyContinue) | Out-Null
        foreach ($c in $gone) { Test-Path -LiteralPath $c | Should -BeFalse }
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $true
    }

    It '-AlbumLinkFallback Skip says so once per run, makes no album files, and the backup is healthy' {
        if ($noExfat) { Set-ItResult -Skipped -Because $noExfat; return }
        $dest = Join-Path $mountPoint 'skip'
        $saved = @($items | Save-GPhotosMediaItem -Path $dest -AlbumFolder Albums -AlbumLinkFallback Skip -WarningVariable w -WarningAction SilentlyContinue)
        $said = @($w | Where-Object { "$_" -like 'Hard links are not possible*' })
        $said.Count | Should -Be 1
        "$($said[0])" | Should -BeLike '*no album links are made*-AlbumLinkFallback Copy*'
        @($saved | ForEach-Object AlbumLinks).Count | Should -Be 0
        @(Get-ChildItem -Recurse -File (Join-Path $dest 'Albums') -ErrorAction SilentlyContinue).Count | Should -Be 0
        Test-GPhotosBackup -Path $dest -Full -Quiet | Should -BeExactly $true
    }
}
