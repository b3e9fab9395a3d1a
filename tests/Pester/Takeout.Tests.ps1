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

    It 'reads ahead on a thread of its own, and stops it when the downstream has enough, with no error' -Skip:(-not $IsLinux) {
        function Get-ReadAheadThreads { @(Get-ChildItem "/proc/$PID/task" | Where-Object { (Get-Content "$($_.FullName)/comm" -ErrorAction SilentlyContinue) -eq 'GPhotos read-ah' }) }
        # More items than are read ahead (512), so the reading thread is still there, waiting for room, at the first item.
        $big = New-Export 'big' @('--seed', '3', '--parts', '2', '--items', '3000')
        $bigParts = Join-Path $big.Folder '*.zip'
        $all = @(Get-GPhotosMediaItem -TakeoutPath $bigParts -WarningAction SilentlyContinue)
        $all.Count | Should -Be $big.Manifest.Expected.Items
        $seen = $null
        $first = @(Get-GPhotosMediaItem -TakeoutPath $bigParts -ErrorVariable errs -WarningAction SilentlyContinue |
            ForEach-Object { if ($null -eq $seen) { $seen = (Get-ReadAheadThreads).Count }; $_ } |
            Select-Object -First 2)
        $seen | Should -Be 1 -Because 'the export is read on its own thread while the pipeline works on the first item'
        $first.Count | Should -Be 2
        $errs | Should -BeNullOrEmpty
        $first.Id | Should -Be $all[0..1].Id
        (Get-ReadAheadThreads).Count | Should -Be 0 -Because 'an early stop ends the reading thread before the command returns'
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

# Hand-made exports with one poisoned entry each (issue 12): the bad entry is named in a warning or error, the
# other items still come out, and nothing is dropped silently.
Describe 'Get-GPhotosMediaItem -TakeoutPath with poisoned exports' {
    BeforeAll {
        Add-Type -AssemblyName System.IO.Compression
        $script:year = 'Takeout/Google Photos/Photos from 2021/'
        $script:photos = 'Takeout/Google Photos/'

        # A small JPEG: EXIF (ExifIFD pointer → DateTimeOriginal 2021:03:14 10:00:00), SOF0 4x3, SOS, payload, EOI.
        function New-Jpeg([uint32] $ExifPointer = 26, [byte] $Fill = 0x55, [int] $Payload = 64) {
            $tiff = [IO.MemoryStream]::new(); $w = [IO.BinaryWriter]::new($tiff)
            $w.Write([byte[]](0x49, 0x49, 0x2A, 0x00)); $w.Write([uint32]8)
            $w.Write([uint16]1); $w.Write([uint16]0x8769); $w.Write([uint16]4); $w.Write([uint32]1); $w.Write([uint32]$ExifPointer); $w.Write([uint32]0)
            $w.Write([uint16]1); $w.Write([uint16]0x9003); $w.Write([uint16]2); $w.Write([uint32]20); $w.Write([uint32]44); $w.Write([uint32]0)
            $w.Write([Text.Encoding]::ASCII.GetBytes("2021:03:14 10:00:00`0")); $w.Flush()
            $app1 = [byte[]]([Text.Encoding]::ASCII.GetBytes("Exif`0`0") + $tiff.ToArray())
            $ms = [IO.MemoryStream]::new(); $j = [IO.BinaryWriter]::new($ms)
            $j.Write([byte[]](0xFF, 0xD8, 0xFF, 0xE1, (($app1.Length + 2) -shr 8), (($app1.Length + 2) -band 0xFF))); $j.Write($app1)
            $j.Write([byte[]](0xFF, 0xC0, 0x00, 0x11, 8, 0, 3, 0, 4, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1))
            $j.Write([byte[]](0xFF, 0xDA, 0x00, 0x0C, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0))
            $j.Write([byte[]](@($Fill) * $Payload)); $j.Write([byte[]](0xFF, 0xD9)); $j.Flush()
            , $ms.ToArray()
        }
        function New-Sidecar([string] $Title, [string] $Id, [string] $Taken = '1615716900', [string] $Extra = '') {
            [Text.Encoding]::UTF8.GetBytes("{`"title`":`"$Title`",`"url`":`"https://photos.google.com/photo/$Id`",`"photoTakenTime`":{`"timestamp`":`"$Taken`"},`"creationTime`":{`"timestamp`":`"1615800000`"}$Extra}")
        }
        # Entries in order, repeated names kept (a hashtable would fold them): name, bytes, name, bytes, ...
        function New-Zip([string] $Name, [object[]] $Entries) {
            $dir = Join-Path $TestDrive $Name
            New-Item -ItemType Directory $dir | Out-Null
            $path = Join-Path $dir 'takeout-20240101T000000Z-001.zip'
            $fs = [IO.File]::Create($path)
            $zip = [IO.Compression.ZipArchive]::new($fs, [IO.Compression.ZipArchiveMode]::Create)
            for ($i = 0; $i -lt $Entries.Count; $i += 2) {
                $s = $zip.CreateEntry($Entries[$i]).Open()
                $bytes = [byte[]]$Entries[$i + 1]
                $s.Write($bytes, 0, $bytes.Length); $s.Dispose()
            }
            $zip.Dispose(); $fs.Dispose()
            $path
        }
    }

    It 'emits every item when one photo has a broken EXIF block, and a warning names that file' {
        $zip = New-Zip 'bad-exif' @(
            "${year}A.jpg", (New-Jpeg -Fill 1), "${year}A.jpg.json", (New-Sidecar 'A.jpg' 'AAA'),
            "${year}BAD.jpg", (New-Jpeg -ExifPointer 2147483648 -Fill 2), "${year}BAD.jpg.json", (New-Sidecar 'BAD.jpg' 'BBB'),
            "${year}C.jpg", (New-Jpeg -Fill 3), "${year}C.jpg.json", (New-Sidecar 'C.jpg' 'CCC'))
        $items = @(Get-GPhotosMediaItem -TakeoutPath $zip -WarningVariable warn -WarningAction SilentlyContinue)
        $items.Filename | Should -Be @('A.jpg', 'BAD.jpg', 'C.jpg')
        ($items | Where-Object Filename -EQ 'BAD.jpg').CreationTime | Should -Be ([datetime]::new(2021, 3, 14, 10, 15, 0, [DateTimeKind]::Utc))
        @($warn | Where-Object { "$_" -match 'BAD\.jpg' -and "$_" -match 'EXIF' }).Count | Should -Be 1
    }

    It 'keeps two zip entries of one name as two items and saves each with its own bytes' {
        $first = New-Jpeg -Fill 0x11; $second = New-Jpeg -Fill 0x22 -Payload 90
        $zip = New-Zip 'dup-name' @("${year}IMG.jpg", $first, "${year}IMG.jpg", $second)
        $items = @(Get-GPhotosMediaItem -TakeoutPath $zip -WarningVariable warn -WarningAction SilentlyContinue)
        $items.Count | Should -Be 2
        $items[0].Id | Should -Not -Be $items[1].Id
        ($warn | Where-Object { "$_" -match 'IMG\.jpg' -and "$_" -match 'more than once' }) | Should -Not -BeNullOrEmpty
        $saved = @($items | Save-GPhotosMediaItem -Path (Join-Path $TestDrive 'dup-saved') -WarningAction SilentlyContinue)
        $saved.Count | Should -Be 2
        $hashes = @($saved | ForEach-Object { (Get-FileHash $_.Path).Hash } | Sort-Object -Unique)
        $hashes.Count | Should -Be 2
        $expected = @($first, $second | ForEach-Object { [BitConverter]::ToString([Security.Cryptography.SHA256]::HashData([byte[]]$_)).Replace('-', '') } | Sort-Object)
        @($hashes | Sort-Object) | Should -Be $expected
    }

    It 'reads an album called "Bin" as an album, and warns by name for an item the sidecar says is trashed' {
        $zip = New-Zip 'bin' @(
            "${year}A.jpg", (New-Jpeg -Fill 1), "${year}A.jpg.json", (New-Sidecar 'A.jpg' 'AAA'),
            "${photos}Bin/A.jpg", (New-Jpeg -Fill 1), "${photos}Bin/A.jpg.json", (New-Sidecar 'A.jpg' 'AAA'),
            "${photos}Bin/B.jpg", (New-Jpeg -Fill 2), "${photos}Bin/B.jpg.json", (New-Sidecar 'B.jpg' 'BBB'),
            "${photos}Trash/GONE.jpg", (New-Jpeg -Fill 3), "${photos}Trash/GONE.jpg.json", (New-Sidecar 'GONE.jpg' 'GGG' -Extra ',"trashed":true'))
        $items = @(Get-GPhotosMediaItem -TakeoutPath $zip -WarningVariable warn -WarningAction SilentlyContinue)
        @($items.Filename | Sort-Object) | Should -Be @('A.jpg', 'B.jpg')
        foreach ($i in $items) { $i.Albums | Should -Be @('Bin') }
        @($warn | Where-Object { "$_" -match 'GONE\.jpg' -and "$_" -match 'trash' }).Count | Should -Be 1
    }

    It 'keeps photos that share a url id apart, each merged with its album copy, and warns about the id' {
        $a = New-Jpeg -Fill 0x41; $b = New-Jpeg -Fill 0x42 -Payload 90
        $album = [Text.Encoding]::UTF8.GetBytes('{"title":"Trip","description":"","access":"protected","date":{"timestamp":"1615716900"}}')
        $zip = New-Zip 'url-id' @(
            "${year}A.jpg", $a, "${year}A.jpg.json", (New-Sidecar 'A.jpg' 'SAME' '1615716900'),
            "${year}B.jpg", $b, "${year}B.jpg.json", (New-Sidecar 'B.jpg' 'SAME' '1615716999'),
            "${photos}Trip/metadata.json", $album,
            "${photos}Trip/A.jpg", $a, "${photos}Trip/A.jpg.json", (New-Sidecar 'A.jpg' 'SAME' '1615716900'),
            "${photos}Trip/B.jpg", $b, "${photos}Trip/B.jpg.json", (New-Sidecar 'B.jpg' 'SAME' '1615716999'))
        $items = @(Get-GPhotosMediaItem -TakeoutPath $zip -WarningVariable warn -WarningAction SilentlyContinue)
        @($items.Filename | Sort-Object) | Should -Be @('A.jpg', 'B.jpg')
        foreach ($i in $items) { $i.Albums | Should -Be @('Trip') }
        ($items.Id | Sort-Object -Unique).Count | Should -Be 2
        ($warn | Where-Object { "$_" -match 'SAME' -and "$_" -match '\.jpg' }) | Should -Not -BeNullOrEmpty
    }

    It 'lists a 0-byte entry with a warning naming it, and Save names it in its error while saving the others' {
        $zip = New-Zip 'zero' @(
            "${year}EMPTY.jpg", [byte[]]@(), "${year}EMPTY.jpg.json", (New-Sidecar 'EMPTY.jpg' 'EEE'),
            "${year}A.jpg", (New-Jpeg -Fill 1), "${year}A.jpg.json", (New-Sidecar 'A.jpg' 'AAA'))
        $items = @(Get-GPhotosMediaItem -TakeoutPath $zip -WarningVariable warn -WarningAction SilentlyContinue)
        $items.Count | Should -Be 2
        @($warn | Where-Object { "$_" -match 'EMPTY\.jpg' -and "$_" -match 'empty file \(0 bytes\)' }).Count | Should -Be 1
        $saved = @($items | Save-GPhotosMediaItem -Path (Join-Path $TestDrive 'zero-saved') -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        @($saved | Where-Object { $_.Path -and (Test-Path $_.Path) }).Count | Should -Be 1
        $errs.Count | Should -BeGreaterThan 0
        "$($errs[0])" | Should -Match 'EMPTY\.jpg'
        "$($errs[0])" | Should -Match 'empty file \(0 bytes\)'
        "$($errs[0])" | Should -Not -Match 'server'
    }
}
