using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using GPhotos.Emulator.Drive;
using Xunit;

namespace GPhotos.Emulator.Tests;

/// <summary>Drive v3 as emulated: q, paging, fields, metadata, ranges, delete, scopes, exports and faults.</summary>
public sealed class DriveApiTests : IAsyncLifetime
{
    private const string ReadScope = "https://www.googleapis.com/auth/drive.readonly";
    private const string FullScope = "https://www.googleapis.com/auth/drive";
    private Emu _emu;
    private DriveStore _drive;
    private string _read, _full;

    public async Task InitializeAsync()
    {
        _emu = await Emu.StartAsync(Emu.Small());
        _drive = DriveStore.For(_emu.State);
        _read = _emu.State.MintAccessToken(ReadScope);
        _full = _emu.State.MintAccessToken(FullScope);
    }

    public async Task DisposeAsync()
    {
        _drive.Reset();
        await _emu.DisposeAsync();
    }

    private Task<JsonElement> List(string q, string extra = "", string token = null) =>
        _emu.Json(_emu.Get("/drive/v3/files?q=" + Uri.EscapeDataString(q) + extra, token ?? _read));

    private async Task<HttpResponseMessage> Media(string id, string range = null, string token = null, string query = "")
    {
        var req = _emu.Request(HttpMethod.Get, $"/drive/v3/files/{id}?alt=media{query}", token ?? _read);
        if (range != null) req.Headers.Range = RangeHeaderValue.Parse(range);
        return await _emu.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<string> Reason(HttpResponseMessage res, int code)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True((int)res.StatusCode == code, $"Expected {code}, got {(int)res.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("errors")[0].GetProperty("reason").GetString();
    }

    [Fact]
    public async Task The_takeout_folder_holds_the_generated_parts_named_like_Takeout_with_int64_string_sizes_and_md5()
    {
        var export = _drive.AddExport(parts: 3, exportTime: new DateTimeOffset(2026, 11, 20, 10, 15, 0, TimeSpan.Zero));
        var folders = await List("name = 'Takeout' and mimeType = 'application/vnd.google-apps.folder' and 'root' in parents and trashed = false", "&fields=files(id,name)");
        var folder = Assert.Single(folders.GetProperty("files").EnumerateArray());
        string folderId = folder.GetProperty("id").GetString();
        var parts = await List($"'{folderId}' in parents and name contains 'takeout-' and trashed = false",
            "&fields=" + Uri.EscapeDataString("nextPageToken,files(id,name,mimeType,size,md5Checksum,createdTime,modifiedTime,parents,trashed)"));
        var files = parts.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(new[] { "takeout-20261120T101500Z-001.zip", "takeout-20261120T101500Z-002.zip", "takeout-20261120T101500Z-003.zip" },
            files.Select(f => f.GetProperty("name").GetString()));
        Assert.False(parts.TryGetProperty("nextPageToken", out _));
        foreach (var f in files)
        {
            var rec = export.Parts.Single(p => p.Id == f.GetProperty("id").GetString());
            Assert.Equal(JsonValueKind.String, f.GetProperty("size").ValueKind);
            Assert.Equal(rec.Size, long.Parse(f.GetProperty("size").GetString()));
            Assert.Equal(Convert.ToHexString(MD5.HashData(File.ReadAllBytes(rec.ContentPath))).ToLowerInvariant(), f.GetProperty("md5Checksum").GetString());
            Assert.Equal(folderId, f.GetProperty("parents")[0].GetString());
            Assert.False(f.GetProperty("trashed").GetBoolean());
        }
        Assert.Equal(File.ReadAllBytes(export.Parts[0].ContentPath)[..4], new byte[] { (byte)'P', (byte)'K', 3, 4 });
    }

    [Theory]
    [InlineData("name = 'Takeout' or trashed = false")]
    [InlineData("name = 'Takeout")]
    [InlineData("(name = 'Takeout')")]
    [InlineData("size > 3")]
    [InlineData("name = 'a\\x'")]
    [InlineData("name =")]
    [InlineData("trashed = 'false'")]
    public async Task A_query_it_does_not_understand_is_400_invalid_like_Drive(string q)
    {
        using var res = await _emu.Get("/drive/v3/files?q=" + Uri.EscapeDataString(q), _read);
        Assert.Equal("invalid", await Reason(res, 400));
    }

    [Fact]
    public async Task Quotes_escape_and_name_contains_matches_prefixes_only()
    {
        Assert.True(DriveQuery.Parse("name = 'it\\'s' and trashed = false").Matches(new DriveFileRecord { Name = "it's" }, DriveStore.RootId));
        Assert.True(DriveQuery.NameContains("takeout-2026-001.zip", "takeout-"));
        Assert.True(DriveQuery.NameContains("My takeout-1.zip", "takeout"));
        Assert.False(DriveQuery.NameContains("HelloWorld", "World"));
        Assert.True(DriveQuery.Parse("mimeType != 'x'").Matches(new DriveFileRecord { MimeType = "y" }, "r"));
    }

    [Fact]
    public async Task Paging_hands_out_tokens_until_the_last_page_and_pages_may_be_short()
    {
        _drive.AddExport(parts: 7);
        _drive.MaxPageItems = 2;
        var names = new List<string>();
        string token = null;
        int pages = 0;
        do
        {
            var page = await List("name contains 'takeout-'", "&pageSize=3&fields=nextPageToken,files(name)" + (token != null ? "&pageToken=" + Uri.EscapeDataString(token) : ""));
            var files = page.GetProperty("files").EnumerateArray().ToList();
            Assert.True(files.Count <= 2);
            names.AddRange(files.Select(f => f.GetProperty("name").GetString()));
            token = page.TryGetProperty("nextPageToken", out var t) ? t.GetString() : null;
            pages++;
        } while (token != null);
        Assert.Equal(4, pages);
        Assert.Equal(7, names.Distinct().Count());
        using var tooBig = await _emu.Get("/drive/v3/files?pageSize=1001", _read);
        Assert.Equal("invalid", await Reason(tooBig, 400));
        using var forged = await _emu.Get("/drive/v3/files?pageToken=forged", _read);
        Assert.Equal("invalid", await Reason(forged, 400));
    }

    [Fact]
    public async Task Fields_project_the_files_and_an_unknown_field_is_400_not_500()
    {
        var export = _drive.AddExport(parts: 1);
        var page = await List("trashed = false", "&fields=files(id)");
        Assert.All(page.GetProperty("files").EnumerateArray(), f => Assert.Equal(new[] { "id" }, f.EnumerateObject().Select(p => p.Name)));
        var plain = await List("trashed = false");
        Assert.Equal("drive#fileList", plain.GetProperty("kind").GetString());
        Assert.All(plain.GetProperty("files").EnumerateArray(), f => Assert.False(f.TryGetProperty("size", out _)));
        using var bad = await _emu.Get("/drive/v3/files?fields=files(id,md5checksum)", _read);
        Assert.Equal("invalid", await Reason(bad, 400));
        using var unbalanced = await _emu.Get("/drive/v3/files?fields=files(id", _read);
        Assert.Equal(400, (int)unbalanced.StatusCode);
        var meta = await _emu.Json(_emu.Get($"/drive/v3/files/{export.Parts[0].Id}?fields=id,size,md5Checksum,modifiedTime", _read));
        Assert.Equal(export.Parts[0].Size.ToString(), meta.GetProperty("size").GetString());
        Assert.EndsWith("Z", meta.GetProperty("modifiedTime").GetString());
    }

    [Fact]
    public async Task Ranges_give_206_with_Content_Range_416_past_the_end_and_200_without_Range()
    {
        var part = _drive.AddExport(parts: 1).Parts[0];
        byte[] all = File.ReadAllBytes(part.ContentPath);
        using (var res = await Media(part.Id, "bytes=10-99"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
            Assert.Equal($"bytes 10-99/{all.Length}", res.Content.Headers.GetValues("Content-Range").Single());
            Assert.Equal(all[10..100], await res.Content.ReadAsByteArrayAsync());
        }
        using (var res = await Media(part.Id, "bytes=-22"))
            Assert.Equal(all[^22..], await res.Content.ReadAsByteArrayAsync());
        using (var res = await Media(part.Id, $"bytes={all.Length}-{all.Length + 5}"))
        {
            Assert.Equal("requestedRangeNotSatisfiable", await Reason(res, 416));
            Assert.Equal($"bytes */{all.Length}", res.Content.Headers.GetValues("Content-Range").Single());
        }
        using (var res = await Media(part.Id))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal(all, await res.Content.ReadAsByteArrayAsync());
        }
        Assert.True(_drive.Counters.MediaBytesServed >= all.Length + 90 + 22);
    }

    [Fact]
    public async Task Scopes_decide_drive_readonly_reads_only_drive_deletes_and_others_get_insufficientPermissions()
    {
        var part = _drive.AddExport(parts: 2).Parts[0];
        using (var res = await _emu.Get("/drive/v3/files", _emu.Token)) Assert.Equal("insufficientPermissions", await Reason(res, 403));
        using (var res = await _emu.Get("/drive/v3/files", "nope")) Assert.Equal(401, (int)res.StatusCode);
        using (var res = await _emu.Send(HttpMethod.Delete, "/drive/v3/files/" + part.Id, _read)) Assert.Equal("insufficientPermissions", await Reason(res, 403));
        var onlyFile = _emu.State.MintAccessToken("drive.file");
        Assert.Empty((await List("trashed = false", token: onlyFile)).GetProperty("files").EnumerateArray());
        using (var res = await _emu.Send(HttpMethod.Delete, "/drive/v3/files/" + part.Id, _full)) Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);
        using (var res = await Media(part.Id)) Assert.Equal("notFound", await Reason(res, 404));
    }

    [Fact]
    public async Task Faults_answer_with_Drive_reasons_and_abusive_files_need_acknowledgeAbuse()
    {
        var part = _drive.AddExport(parts: 1).Parts[0];
        _drive.AddFaults(new[]
        {
            new DriveFaultRule { Kind = "userRateLimitExceeded", Target = "list" },
            new DriveFaultRule { Kind = "rateLimitExceeded", Target = "get" },
            new DriveFaultRule { Kind = "429", Target = "media", RetryAfterSeconds = 2 },
            new DriveFaultRule { Kind = "downloadQuotaExceeded", Target = "media" },
        });
        using (var res = await _emu.Get("/drive/v3/files", _read)) Assert.Equal("userRateLimitExceeded", await Reason(res, 403));
        using (var res = await _emu.Get("/drive/v3/files/" + part.Id, _read)) Assert.Equal("rateLimitExceeded", await Reason(res, 403));
        using (var res = await Media(part.Id))
        {
            Assert.Equal("rateLimitExceeded", await Reason(res, 429));
            Assert.Equal(TimeSpan.FromSeconds(2), res.Headers.RetryAfter?.Delta);
        }
        using (var res = await Media(part.Id)) Assert.Equal("downloadQuotaExceeded", await Reason(res, 403));
        _drive.SetFlags(part.Id, abusive: true, trashed: null);
        using (var res = await Media(part.Id, "bytes=0-9")) Assert.Equal("cannotDownloadAbusiveFile", await Reason(res, 403));
        using (var res = await Media(part.Id, "bytes=0-9", query: "&acknowledgeAbuse=true")) Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
    }

    [Fact]
    public async Task Range_ignored_replace_and_delete_faults_change_what_a_media_request_sees()
    {
        var part = _drive.AddExport(parts: 1).Parts[0];
        long size = part.Size;
        _drive.AddFaults(new[] { new DriveFaultRule { Kind = "rangeIgnored", Target = "media" } });
        using (var res = await Media(part.Id, "bytes=0-9"))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal(size, res.Content.Headers.ContentLength);
        }
        _drive.AddFaults(new[] { new DriveFaultRule { Kind = "replace", Target = "media", FileId = part.Id, Skip = 1 } });
        string md5 = part.Md5;
        using (var res = await Media(part.Id, "bytes=0-9")) Assert.Equal(md5, part.Md5);
        using (var res = await Media(part.Id, "bytes=0-9")) Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
        Assert.NotEqual(md5, part.Md5);
        Assert.Equal(size, part.Size);
        _drive.Replace(part.Id, truncateTo: size - 100);
        using (var res = await Media(part.Id, "bytes=0-9")) Assert.Equal($"bytes 0-9/{size - 100}", res.Content.Headers.GetValues("Content-Range").Single());
        _drive.AddFaults(new[] { new DriveFaultRule { Kind = "delete", Target = "media" } });
        using (var res = await Media(part.Id, "bytes=0-9")) Assert.Equal("notFound", await Reason(res, 404));
    }

    [Fact]
    public async Task Parts_still_arriving_appear_one_by_one_on_the_emulator_clock_and_a_second_export_repeats_the_library()
    {
        var first = _drive.AddExport(parts: 2, exportTime: new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero));
        var second = _drive.AddExport(parts: 3, newItems: 5, arrivalInterval: TimeSpan.FromMinutes(10));
        Assert.Equal(first.ItemCount + 5, second.ItemCount);
        Assert.Equal(first.Seed, second.Seed);
        async Task<int> Count() => (await List("name contains 'takeout-'", "&fields=files(name)")).GetProperty("files").GetArrayLength();
        Assert.Equal(3, await Count());
        _emu.State.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(4, await Count());
        _emu.State.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(5, await Count());
    }

    [Fact]
    public async Task Media_sizes_make_plain_items_that_large_and_a_repeated_export_keeps_their_bytes()
    {
        var added = await _emu.Control("drive/exports", new { items = 80, parts = 2, photoSize = 200_000, videoSize = 1_500_000, seed = 4 });
        Assert.Equal(200_000, added.GetProperty("photoSize").GetInt64());
        var first = _drive.Exports[^1];
        var second = _drive.AddExport(newItems: 2, parts: 2);
        var plain = Manifest(first).Where(i => i.Quirk == "plain").ToList();
        Assert.NotEmpty(plain);
        // Exactly the size asked (the payload pads the header), photos and videos alike.
        Assert.All(plain, i => Assert.Equal(i.MimeType == "video/mp4" ? 1_500_000 : 200_000, i.Size));
        Assert.Contains(plain, i => i.MimeType == "video/mp4");
        // The bytes of the repeated library are the same (a re-run recognises them by name, size and CRC-32).
        var again = Manifest(second).ToDictionary(i => i.Id);
        Assert.All(plain, i => Assert.Equal(i.Sha256, again[i.Id].Sha256));
        Assert.Equal(first.ItemCount + 2, second.ItemCount);
        // The parts hold the bytes (random payloads do not deflate away).
        Assert.True(first.Parts.Sum(p => p.Size) > plain.Sum(i => i.Size), "parts smaller than their media");

        // The counters log each range asked for.
        using (var res = await Media(first.Parts[0].Id, "bytes=10-19")) Assert.Equal(HttpStatusCode.PartialContent, res.StatusCode);
        var counters = await _emu.Json(_emu.Get("/__emulator/drive/counters", null));
        Assert.Equal(first.Parts[0].Id + " 10-19", counters.GetProperty("ranges")[0].GetString());
    }

    private static List<GPhotos.Emulator.Takeout.TakeoutManifestItem> Manifest(DriveExport e) =>
        JsonSerializer.Deserialize<GPhotos.Emulator.Takeout.TakeoutManifest>(File.ReadAllText(e.ManifestPath), GPhotos.Emulator.Takeout.TakeoutGenerator.ManifestJson)!.Items;

    [Fact]
    public async Task The_control_API_adds_exports_and_faults_and_reports_counters()
    {
        var added = await _emu.Control("drive/exports", new { parts = 2, format = "mixed", exportTime = "2026-11-20T10:15:00Z" });
        var names = added.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(new[] { "takeout-20261120T101500Z-001.zip", "takeout-20261120T101500Z-002.tgz" }, names);
        await _emu.Control("drive/faults", new { rules = new[] { new { kind = "503", target = "list" } } });
        using (var res = await _emu.Get("/drive/v3/files", _read)) Assert.Equal("backendError", await Reason(res, 503));
        var counters = await _emu.Json(_emu.Get("/__emulator/drive/counters", null));
        Assert.Equal(1, counters.GetProperty("faultsInjected").GetProperty("503").GetInt32());
        using (var bad = await _emu.Send(HttpMethod.Post, "/__emulator/drive/faults", null, new { rules = new[] { new { kind = "nope" } } }))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await _emu.Control("drive/reset");
        Assert.Empty(_drive.Files);
    }
}
