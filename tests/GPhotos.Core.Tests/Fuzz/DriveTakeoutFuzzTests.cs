using System.Text;
using GPhotos.Model;
using GPhotos.Sources.Drive;
using GPhotos.Sources.Takeout;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit;

namespace GPhotos.Core.Tests.Fuzz;

/// <summary>
/// Outside bytes on the Drive Takeout path: the entry cache file on this computer (damaged or edited, it must never fail
/// a run nor give an item wrong metadata), Drive file-list pages with hostile sizes, md5s and names grouped into exports,
/// and the part-name parser.
/// </summary>
[Collection("Takeout")]
public class DriveTakeoutFuzzTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_damaged_or_hostile_entry_cache_file_is_ignored_never_fails_and_never_gives_other_bytes()
    {
        const string part = "drive:fuzz-cache/takeout-20261120T101500Z-001.zip";
        TakeoutPartSources.Register(part, TakeoutInputKind.Zip, () => throw new IOException("never opened"));
        byte[] json = Encoding.UTF8.GetBytes("{\"title\":\"a.jpg\",\"photoTakenTime\":{\"timestamp\":\"1700000000\"}}");
        var entry = new IndexedEntry
        {
            Archive = new IndexedArchive { Path = part, Kind = TakeoutInputKind.Zip },
            EntryPath = "Takeout/Google Photos/a/a.jpg.json", Size = json.Length, Crc = TakeoutEntryCache.Crc32Of(json),
        };
        string key = TakeoutEntryCache.Key(entry);
        Assert.NotNull(key);
        // One line per entry (a later line for the same key replaces it); "j" and "p" together here so both are read.
        string good = new JObject { ["k"] = "other|1|00000000", ["j"] = "AA==" }.ToString(Formatting.None) + "\n"
            + new JObject { ["k"] = key, ["j"] = Convert.ToBase64String(json), ["p"] = new JObject { ["MimeType"] = "image/jpeg", ["Width"] = 4000, ["DateTaken"] = "2024-01-02T03:04:05Z" } }.ToString(Formatting.None) + "\n";
        string root = Path.Combine(Path.GetTempPath(), "gphotos-cache-fuzz-" + Guid.NewGuid().ToString("N"));
        string before = Environment.GetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE");
        int n = 0;
        try
        {
            // The valid file is read: the property below is not vacuous.
            UseCacheFile(root, n++, Encoding.UTF8.GetBytes(good));
            Assert.Equal(json, TakeoutEntryCache.GetJson(entry));
            Assert.Equal(4000, TakeoutEntryCache.GetProbe(entry)?.Width);

            var samples = new[]
            {
                Encoding.UTF8.GetBytes(good),
                Encoding.UTF8.GetBytes("{\"k\":{\"x\":1},\"j\":[1]}\n{\"k\":\"" + key + "\",\"j\":{\"a\":1},\"p\":\"x\"}\n"),
                Encoding.UTF8.GetBytes("{\"k\":\"" + key + "\",\"j\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"title\":\"b.jpg\",\"photoTakenTime\":{\"timestamp\":\"1\"}}xx")) + "\"}\n"),
                Encoding.UTF8.GetBytes("{\"k\":\"" + key + "\",\"p\":{\"Width\":\"wide\",\"DateTaken\":12,\"Height\":1e400}}\n[1,2]\n\"k\"\n{"),
            };
            Fuzz.Bytes("drive-takeout-entry-cache", samples, bytes =>
            {
                UseCacheFile(root, n++, bytes);
                byte[] got = TakeoutEntryCache.GetJson(entry);
                // Bytes other than the entry's own (by its CRC-32) are never handed out as its sidecar.
                if (got != null) Assert.Equal(json, got);
                TakeoutEntryCache.GetProbe(entry);
                TakeoutEntryCache.PutJson(entry, json); // appending after a damaged tail still works
            }, maxLength: 4096);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE", before);
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    /// <summary>A cache folder of its own per case (the cache reloads when its folder changes).</summary>
    private static void UseCacheFile(string root, int n, byte[] content)
    {
        string folder = Path.Combine(root, (n % 2).ToString());
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "entries.jsonl"), content);
        Environment.SetEnvironmentVariable("GPHOTOS_TAKEOUT_CACHE", folder);
    }

    private const string Page = """
        {"files":[{"id":"a1","name":"takeout-20261120T101500Z-001.zip","mimeType":"application/zip","size":"53687091200","md5Checksum":"0123456789abcdef0123456789abcdef","modifiedTime":"2026-11-20T11:15:00Z"},{"id":"a2","name":"takeout-20261120T101500Z-002.tgz","size":"1","md5Checksum":"x","modifiedTime":"2026-11-20T11:16:00.5Z"},{"id":"a3","name":"takeout-20260920T000000Z-003.zip","size":"9223372036854775807","modifiedTime":"0001-01-01T00:00:00Z"},{"id":"a4","name":"../../etc/passwd","size":"0"}]}
        """;

    [Fact]
    public void Hostile_file_list_pages_group_into_exports_or_fail_as_a_bad_Drive_answer()
    {
        Fuzz.Text("drive-takeout-list-page", new[] { Page, "{\"files\":[{\"id\":\"x\",\"name\":\"takeout-99991231T235959Z-9999.zip\",\"size\":\"0\"}]}" }, text =>
        {
            JObject json;
            try { json = JObject.Parse(text); }
            catch (JsonException) { return; }
            DriveFilePage page = DriveJson.ParsePage(json);
            TakeoutCatalog catalog = TakeoutArchiveCatalog.Build(page.Files.Select(TakeoutPartFile.FromDrive), Now);
            foreach (TakeoutArchive a in catalog.Archives)
            {
                Assert.True(TakeoutArchiveCatalog.TryParseName(a.Name, out string id, out _, out int number, out _), a.Name);
                Assert.Equal(id, a.ExportId);
                Assert.True(number >= 1 && a.Size >= 0, a.Name);
                Assert.Equal(TakeoutArchiveLocation.Drive, a.Location);
                Assert.False(a.IsComplete && a.Completeness != "complete");
            }
            // Every file is either listed as a part or named in a warning: nothing is dropped silently.
            Assert.Equal(page.Files.Count, catalog.Archives.Count + catalog.Warnings.Count(w => w.ExportId == null));
            TakeoutArchiveCatalog.StaleWarning(catalog.Archives, Now);
        }, allowed: e => e is DriveApiException { Kind: DriveErrorKind.BadResponse });
    }

    [Fact]
    public void The_part_name_parser_never_throws_and_what_it_accepts_is_a_part_name()
    {
        var samples = new[] { "takeout-20261120T101500Z-001.zip", "Takeout-20261120T101500Z-12.TGZ", "takeout-20261120T101500Z-0001.tar.gz",
            "takeout-20261320T101500Z-001.zip", "takeout-20261120T101500Z-000.zip", "takeout-20261120T101500Z-\u0661\u0662.zip" };
        Fuzz.Text("drive-takeout-part-name", samples, name =>
        {
            if (!TakeoutArchiveCatalog.TryParseName(name, out string id, out DateTimeOffset time, out int part, out string format)) return;
            Assert.InRange(part, 1, 9999);
            Assert.Equal(TimeSpan.Zero, time.Offset);
            Assert.StartsWith(id, name.ToLowerInvariant());
            Assert.Equal(id, "takeout-" + time.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture).ToLowerInvariant());
            Assert.Contains(format, new[] { "zip", "tgz" });
        });
    }

    [Theory]
    [InlineData("takeout-20261120T101500Z-\u0661\u0662.zip")] // Arabic-Indic digits: \d matches them, int.Parse does not
    [InlineData("takeout-20261120T101500Z-000.zip")]
    [InlineData("takeout-20261320T101500Z-001.zip")]
    [InlineData("takeout-\u0662\u0660\u0662\u0666\u0661\u0661\u0662\u0660T101500Z-001.zip")]
    public void Names_that_are_not_parts_are_refused(string name) =>
        Assert.False(TakeoutArchiveCatalog.TryParseName(name, out _, out _, out _, out _));
}
