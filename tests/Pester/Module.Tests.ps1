BeforeAll {
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    $script:module = Get-Module GPhotos
}

Describe 'The GPhotos module' {
    It 'exports exactly its cmdlets, by explicit list' {
        $module.ExportedCmdlets.Keys | Sort-Object | Should -Be @(
            'Connect-GPhotos', 'Disconnect-GPhotos', 'Get-GPhotosAlbum', 'Get-GPhotosMediaItem', 'Get-GPhotosPickerSession',
            'Get-GPhotosTakeoutArchive', 'New-GPhotosPickerSession', 'Remove-GPhotosPickerSession', 'Remove-GPhotosTakeoutArchive', 'Save-GPhotosMediaItem')
    }

    It 'loads its third-party assemblies from the Dependencies folder or the host, never from elsewhere' {
        Import-Module $env:GPHOTOS_TEST_MODULE -Force
        Get-GPhotosMediaItem -TakeoutPath (Join-Path $TestDrive 'missing.zip') -ErrorAction SilentlyContinue  # loads GPhotos.Core
        $null = [GPhotos.Auth.ProtectedTokenStore].GetInterfaces()  # implements Google's IDataStore: loads Google.Apis.Core
        $google = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Google.Apis*' })
        $google.Count | Should -BeGreaterThan 0
        foreach ($a in $google) {
            $a.Location | Should -BeLike (Join-Path $module.ModuleBase 'Dependencies*')
        }
    }

    It 'declares an output type on every cmdlet that writes objects, and has a default view for each' {
        foreach ($name in 'Get-GPhotosMediaItem', 'Save-GPhotosMediaItem', 'Get-GPhotosAlbum', 'New-GPhotosPickerSession', 'Get-GPhotosPickerSession', 'Connect-GPhotos') {
            $types = (Get-Command $name).OutputType.Type
            $types | Should -Not -BeNullOrEmpty -Because "$name should declare [OutputType]"
            foreach ($t in $types) { Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty -Because "$($t.FullName) needs a view" }
        }
    }

    It 'supports -WhatIf on Save and Remove' {
        (Get-Command Save-GPhotosMediaItem).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command Remove-GPhotosPickerSession).Parameters.Keys | Should -Contain 'WhatIf'
    }

    It 'says how to connect when a command needs Google and there is no connection' {
        Disconnect-GPhotos
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^NotConnected'
        $err.Exception.Message | Should -Match 'Connect-GPhotos'
    }

    It 'rejects an emulator host that is not host:port' {
        $old = $env:GPHOTOS_EMULATOR_HOST
        try {
            $env:GPHOTOS_EMULATOR_HOST = 'http://x/y/z'
            { Connect-GPhotos -AccessToken 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidEmulatorHost*'
        }
        finally { $env:GPHOTOS_EMULATOR_HOST = $old }
    }
}
