@{
    RootModule           = 'GPhotos.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5b0f2f8e-6c1e-4d3a-9a57-2f5d8c1e7a40'
    Author               = 'GPhotos contributors'
    CompanyName          = 'GPhotos'
    Copyright            = '(c) GPhotos contributors. MIT License.'
    Description          = 'Back up Google Photos to your own disk from PowerShell: originals with EXIF, real video files, unattended runs. Reads the Picker API, the Library API (app-created items) and Google Takeout archives as one typed object, and saves them atomically, in parallel and incrementally.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('GPhotos.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-GPhotos'
        'Disconnect-GPhotos'
        'Get-GPhotosMediaItem'
        'Save-GPhotosMediaItem'
        'Get-GPhotosAlbum'
        'New-GPhotosPickerSession'
        'Get-GPhotosPickerSession'
        'Remove-GPhotosPickerSession'
        'Get-GPhotosTakeoutArchive'
        'Remove-GPhotosTakeoutArchive'
        'Test-GPhotosBackup'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('GooglePhotos', 'Google', 'Photos', 'Backup', 'Takeout', 'Picker', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/gphotos-ps/GPhotos/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/gphotos-ps/GPhotos'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
