namespace GPhotos.Emulator.Takeout;

/// <summary>How Takeout names its folders in one language (as observed in exports; metadata.json is localized too).</summary>
internal sealed record TakeoutLanguage(string Code, string PhotosFolder, string YearFolderFormat, string AlbumMetadataFile, string EditedSuffix)
{
    public static readonly TakeoutLanguage[] All =
    {
        new("en", "Google Photos", "Photos from {0}", "metadata.json", "-edited"),
        new("de", "Google Fotos", "Fotos von {0}", "Metadaten.json", "-bearbeitet"),
        new("fr", "Google Photos", "Photos de {0}", "m\u00e9tadonn\u00e9es.json", "-modifi\u00e9"),
        new("es", "Google Fotos", "Fotos de {0}", "metadatos.json", "-editado"),
    };

    public static TakeoutLanguage Get(string code)
        => All.FirstOrDefault(l => string.Equals(l.Code, code, StringComparison.OrdinalIgnoreCase))
           ?? throw new ArgumentException($"Unknown language '{code}'; use one of: {string.Join(", ", All.Select(l => l.Code))}.");

    public string YearFolder(int year) => string.Format(System.Globalization.CultureInfo.InvariantCulture, YearFolderFormat, year);
}
