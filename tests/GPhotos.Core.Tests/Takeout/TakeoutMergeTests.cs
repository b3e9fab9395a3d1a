using System.Text;
using GPhotos.Sources.Takeout;
using Xunit;

namespace GPhotos.Core.Tests.Takeout;

/// <summary>When copies in year and album folders are one item, and when they are not.</summary>
[Collection("Takeout")]
public sealed class TakeoutMergeTests
{
    private readonly TakeoutExports _exports;

    public TakeoutMergeTests(TakeoutExports exports) => _exports = exports;

    /// <summary>A JPEG of exactly <paramref name="size"/> bytes with an EXIF DateTimeOriginal (little endian TIFF).</summary>
    internal static byte[] Jpeg(DateTime? taken, int size, byte fill)
    {
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); }
        void U32(int v) { U16(v & 0xFFFF); U16(v >> 16); }
        tiff.AddRange("II"u8.ToArray()); U16(42); U32(8);
        U16(1); U16(0x8769); U16(4); U32(1); U32(26); U32(0);      // IFD0 → EXIF IFD at 26
        U16(taken == null ? 0 : 1);
        if (taken != null) { U16(0x9003); U16(2); U32(20); U32(26 + 2 + 12 + 4); }
        U32(0);
        if (taken != null) tiff.AddRange(Encoding.ASCII.GetBytes(taken.Value.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "\0"));
        var app1 = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var b = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE1, (byte)((app1.Length + 2) >> 8), (byte)(app1.Length + 2) };
        b.AddRange(app1);
        b.AddRange(new byte[] { 0xFF, 0xC0, 0, 17, 8, 0, 100, 0, 200, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xDA, 0, 2 });
        while (b.Count < size - 2) b.Add(fill);
        b.Add(0xFF); b.Add(0xD9);
        return b.ToArray();
    }

    private static string Sidecar(string title, DateTime taken, string id)
        => $"{{\"title\":\"{title}\",\"photoTakenTime\":{{\"timestamp\":\"{new DateTimeOffset(taken).ToUnixTimeSeconds()}\"}},\"url\":\"https://photos.google.com/photo/{id}\"}}";

    private string Export(Dictionary<string, object> files)
    {
        var root = _exports.Scratch("merge");
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, "Takeout", "Google Photos", path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (content is byte[] bytes) File.WriteAllBytes(full, bytes); else File.WriteAllText(full, (string)content);
        }
        File.WriteAllText(Path.Combine(root, "Takeout", "Google Photos", "Album X", "metadata.json"), "{\"title\":\"X\",\"access\":\"protected\"}");
        File.WriteAllText(Path.Combine(root, "Takeout", "Google Photos", "Album Y", "metadata.json"), "{\"title\":\"Y\",\"access\":\"protected\"}");
        return root;
    }

    [Fact]
    public void Same_name_and_size_in_two_year_folders_are_two_items()
    {
        var root = Export(new()
        {
            ["Photos from 2019/IMG_0001.JPG"] = Jpeg(new DateTime(2019, 5, 1, 10, 0, 0), 3000, 1),
            ["Photos from 2020/IMG_0001.JPG"] = Jpeg(new DateTime(2019, 5, 1, 10, 0, 0), 3000, 2),
            ["Album X/keep.jpg"] = Jpeg(null, 500, 3),
            ["Album Y/keep2.jpg"] = Jpeg(null, 500, 4),
        });
        var items = new TakeoutReader(root).ReadItems().Where(i => i.Filename == "IMG_0001.JPG").ToList();
        Assert.Equal(2, items.Count);
        Assert.NotEqual(items[0].Id, items[1].Id);
    }

    [Fact]
    public void Album_copies_without_sidecar_merge_only_when_the_capture_time_agrees()
    {
        var same = Jpeg(new DateTime(2021, 7, 4, 12, 0, 0), 4000, 5);
        var root = Export(new()
        {
            ["Album X/IMG_0002.JPG"] = same,
            ["Album Y/IMG_0002.JPG"] = same,
            ["Album X/IMG_0003.JPG"] = Jpeg(new DateTime(2021, 7, 4, 12, 0, 0), 4000, 6),
            ["Album Y/IMG_0003.JPG"] = Jpeg(new DateTime(2022, 1, 1, 8, 0, 0), 4000, 7),
        });
        var items = new TakeoutReader(root).ReadItems().ToList();
        var two = Assert.Single(items, i => i.Filename == "IMG_0002.JPG");
        Assert.Equal(new[] { "X", "Y" }, two.Albums);
        var three = items.Where(i => i.Filename == "IMG_0003.JPG").ToList();
        Assert.Equal(2, three.Count);
        Assert.All(three, i => Assert.Single(i.Albums));
    }

    [Fact]
    public void An_album_copy_that_lost_its_sidecar_joins_the_year_copy()
    {
        var taken = new DateTime(2021, 7, 4, 10, 0, 0, DateTimeKind.Utc);
        var bytes = Jpeg(taken.AddHours(2), 5000, 8); // camera wall clock in CEST
        var far = Jpeg(taken.AddDays(3), 5000, 9);
        var root = Export(new()
        {
            ["Photos from 2021/IMG_0004.JPG"] = bytes,
            ["Photos from 2021/IMG_0004.JPG.supplemental-metadata.json"] = Sidecar("IMG_0004.JPG", taken, "ID4"),
            ["Album X/IMG_0004.JPG"] = bytes,
            ["Photos from 2021/IMG_0005.JPG"] = far,
            ["Photos from 2021/IMG_0005.JPG.supplemental-metadata.json"] = Sidecar("IMG_0005.JPG", taken, "ID5"),
            ["Album Y/IMG_0005.JPG"] = far, // same name and size, but its EXIF time is days away from the sidecar's
        });
        var reader = new TakeoutReader(root);
        var items = reader.ReadItems().ToList();
        var four = Assert.Single(items, i => i.Filename == "IMG_0004.JPG");
        Assert.Equal("ID4", four.Id);
        Assert.Equal(new[] { "X" }, four.Albums);
        Assert.Equal(taken, four.CreationTime);
        Assert.EndsWith("Photos from 2021/IMG_0004.JPG", four.TakeoutEntry);
        Assert.Equal(2, items.Count(i => i.Filename == "IMG_0005.JPG"));
        Assert.Equal(1, reader.Stats.DuplicatesMerged);
    }
}
