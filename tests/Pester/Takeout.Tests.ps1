# Takeout through the cmdlets: synthetic exports made by the emulator's generator (several parts, zip and tgz,
# localized folders, every sidecar quirk), read with Get-GPhotosMediaItem -TakeoutPath and saved bit for bit.
BeforeAll {
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue

    function New-Export([string] $Name, [string[]] $Arguments) {
        $dir = Join-Path $TestDrive $Name
        & dotnet $env:GPHOTOS_TEST_EMULATOR takeout --out $dir @Arguments | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "The Takeout generator failed ($LASTEXITCODE)." }
        $manifest = Get-Content (Join-Path $dir 'manifest.json') -Raw | ConvertFrom-Json
        [pscustomobject]@{ Folder = $dir; Manifest = $manifest }
    }
    $script:zip = New-Export 'zip' @('--seed', '7', '--parts', '3', '--lang', 'de')
    $script:mixed = New-Export 'mixed' @('--seed', '11', '--parts', '3', '--tgz')
    $script:zipParts = Join-Path $zip.Folder '*.zip'
}

Describe 'Get-GPhotosMediaItem -TakeoutPath' {
    It 'reads every part of an export, no sign-in needed, and matches the expected items' {
        Disconnect-GPhotos
        $items = @(Get-GPhotosMediaItem -TakeoutPath $zipParts -WarningAction SilentlyContinue)
        $items.Count | Should -Be $zip.Manifest.Expected.Items
        ($items | Group-Object Id | Where-Object Count -GT 1) | Should -BeNullOrEmpty
        foreach ($e in $zip.Manifest.Items | Where-Object { -not $_.IsTrashed }) {
            $i = $items | Where-Object Id -EQ $e.Id
            $i | Should -Not -BeNullOrEmpty -Because "item $($e.Id) ($($e.Quirk)) must not be dropped"
            $i.Source | Should -Be 'Takeout'
            $i.Filename | Should -Be $e.Filename
            if ($e.CreationTime) { $i.CreationTime | Should -Be ([datetime]$e.CreationTime).ToUniversalTime() }
            if ($null -ne $e.Latitude) { $i.Latitude | Should -Be $e.Latitude }
            @($i.Albums | Sort-Object) | Should -Be @($e.Albums | Sort-Object)
            $i.IsVideo | Should -Be ($e.MediaType -eq 'Video')
        }
    }

    It 'accepts a mix of zip and tgz parts, also from the pipeline' {
        $items = @(Get-ChildItem $mixed.Folder -File | Where-Object Name -Match '\.(zip|tgz)$' | Get-GPhotosMediaItem -WarningAction SilentlyContinue)
        $items.Count | Should -Be $mixed.Manifest.Expected.Items
    }

    It 'includes trashed items only when asked' {
        $all = @(Get-GPhotosMediaItem -TakeoutPath $zipParts -IncludeTrashed -WarningAction SilentlyContinue)
        $all.Count | Should -Be ($zip.Manifest.Expected.Items + $zip.Manifest.Expected.TrashedSkipped)
    }

    It 'names a corrupt part, and still reads the others' {
        $broken = Join-Path $TestDrive 'broken'
        Copy-Item $zip.Folder $broken -Recurse
        $victim = Get-ChildItem $broken -Filter *.zip | Select-Object -Last 1
        [IO.File]::WriteAllBytes($victim.FullName, [byte[]](1..200))
        $items = @(Get-GPhotosMediaItem -TakeoutPath (Join-Path $broken '*.zip') -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $errs.Count | Should -BeGreaterThan 0
        "$($errs[0])" | Should -Match ([regex]::Escape($victim.Name))
        $items.Count | Should -BeGreaterThan 0
    }

    It 'says which path matched nothing' {
        $err = { Get-GPhotosMediaItem -TakeoutPath (Join-Path $TestDrive 'nothing-*.zip') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^TakeoutPathNotFound'
    }
}

Describe 'Save-GPhotosMediaItem with Takeout items' {
    It 'copies bit for bit with dates from the JSON, metadata sidecars, and skips everything on a re-run' {
        $dest = Join-Path $TestDrive 'backup'
        $results = @(Get-GPhotosMediaItem -TakeoutPath $zipParts -WarningAction SilentlyContinue | Save-GPhotosMediaItem -Path $dest -Metadata -IncludeMotionVideo -WarningAction SilentlyContinue)
        $results.Count | Should -Be $zip.Manifest.Expected.Items
        foreach ($r in $results) {
            $e = $zip.Manifest.Items | Where-Object Id -EQ $r.Id
            (Get-FileHash $r.Path).Hash | Should -Be $e.Sha256
            if ($e.CreationTime) { (Get-Item $r.Path).LastWriteTimeUtc | Should -Be ([datetime]$e.CreationTime).ToUniversalTime() }
            if ($e.MotionVideoSha256) { (Get-FileHash $r.MotionVideoPath).Hash | Should -Be $e.MotionVideoSha256 }
        }
        $withGps = $results | Where-Object { $null -ne $_.Item.Latitude } | Select-Object -First 1
        if ($withGps) { (Get-Content $withGps.MetadataPath -Raw | ConvertFrom-Json).latitude | Should -Be $withGps.Item.Latitude }

        $again = @(Get-GPhotosMediaItem -TakeoutPath $zipParts -WarningAction SilentlyContinue | Save-GPhotosMediaItem -Path $dest -Metadata -IncludeMotionVideo)
        $again.Status | Sort-Object -Unique | Should -Be 'Skipped'
    }
}
