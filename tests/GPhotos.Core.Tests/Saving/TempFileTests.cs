#nullable enable
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Sources;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>
/// The temp file a download writes (TempFile): a plain descriptor on 64-bit Linux, a FileStream elsewhere or with the
/// native calls switched off. Both must create only new files, write every byte where it belongs, flush, and fail
/// with .NET's exception types. And the download loop that fills its buffer before each write must still hash and
/// check exactly the bytes that arrived, however the source cuts them.
/// </summary>
[Collection(nameof(LinuxFileCallsSwitch))]
public class TempFileTests
{
    public static TheoryData<bool> Paths => new() { false, true };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Writes_land_in_order_with_offsets_and_survive_flush_and_close(bool dotnetOnly)
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Root, "a.part");
        byte[] data = RandomNumberGenerator.GetBytes(200_000);
        using (LinuxFileCallsSwitch.Set(dotnetOnly))
        {
            using TempFile file = TempFile.CreateNew(path);
            file.Write(data, 0, 1);
            file.Write(data, 1, 81_919);
            file.WriteAsync(data, 81_920, 100_000, CancellationToken.None).GetAwaiter().GetResult();
            file.Write(data, 181_920, data.Length - 181_920);
            file.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
            file.StartWriteback();
            file.FlushToDisk();
        }
        Assert.Equal(data, File.ReadAllBytes(path));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void An_existing_file_is_never_opened_or_truncated(bool dotnetOnly)
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Root, "taken.part");
        File.WriteAllText(path, "the user's");
        using (LinuxFileCallsSwitch.Set(dotnetOnly))
            Assert.Throws<IOException>(() => TempFile.CreateNew(path).Dispose());
        Assert.Equal("the user's", File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_missing_folder_fails_with_dotnets_own_exception(bool dotnetOnly)
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Root, "gone", "a.part");
        using (LinuxFileCallsSwitch.Set(dotnetOnly))
            Assert.Throws<DirectoryNotFoundException>(() => TempFile.CreateNew(path).Dispose());
    }

    [Fact]
    public void On_64_bit_Linux_the_descriptor_path_is_taken_not_silently_skipped()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64)) return;
        using var folder = new TempFolder();
        using TempFile file = TempFile.CreateNew(Path.Combine(folder.Root, "n.part"));
        Assert.IsType<TempFile.NativeTempFile>(file); // a FileStream here would mean flock, unlock and two lseeks per file again
    }

    [Fact]
    public void A_full_disk_on_the_descriptor_path_is_the_disk_full_error_that_stops_a_save()
    {
        // /dev/full answers every write with ENOSPC: the error must be what .NET gives for a full disk (an IOException
        // carrying the errno), so Save stops the run with DiskFull instead of failing every item after it.
        if (!File.Exists("/dev/full")) return;
        using TempFile? file = TempFile.NativeTempFile.OpenExistingForTest("/dev/full");
        if (file == null) return; // not 64-bit Linux
        var error = Assert.IsType<IOException>(Record.Exception(() => file.Write(new byte[4096], 0, 4096)));
        Assert.Equal(28, error.HResult); // ENOSPC
        Assert.Contains("'/dev/full'", error.Message);
        Assert.True(DestinationWriteException.IsDiskFullError(error));
    }

    /// <summary>A body handed over in reads of 1 to 9,000 bytes, like a slow socket.</summary>
    private sealed class Dribble(byte[] data, int seed) : GPhotos.IO.ReadOnlyStream
    {
        private readonly Random _random = new(seed);
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, _random.Next(1, 9000)), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_body_in_small_reads_is_saved_and_hashed_byte_for_byte_with_or_without_a_length(bool lengthKnown)
    {
        using var folder = new TempFolder();
        var items = Enumerable.Range(0, 6).Select(i => Items.Photo($"id-{i}", $"p{i}.jpg")).ToList();
        var source = new FakeSource
        {
            Handler = (item, variant, attempt, ct) =>
            {
                byte[] data = FakeSource.BytesFor(item.Id, variant);
                return Task.FromResult<MediaContent?>(new MediaContent(new Dribble(data, item.Id.GetHashCode()), lengthKnown ? data.Length : null, "image/jpeg"));
            },
        };
        var events = SessionKit.Save(folder, source, items);
        Assert.Empty(events.Where(e => e.Kind is SaveEventKind.Error or SaveEventKind.Fatal).Select(e => e.Message));
        foreach (MediaItem item in items)
        {
            byte[] expected = FakeSource.BytesFor(item.Id, ContentVariant.Original);
            SaveResult result = events.Single(item.Id);
            Assert.Equal(expected, File.ReadAllBytes(result.Path));
            Assert.Equal(Convert.ToHexString(SHA256.HashData(expected)).ToLowerInvariant(), result.Sha256);
        }
    }

    [Fact]
    public void An_html_page_cut_into_tiny_reads_is_still_recognised_and_nothing_is_saved()
    {
        using var folder = new TempFolder();
        byte[] page = System.Text.Encoding.ASCII.GetBytes("  <!DOCTYPE html><html><body>Sign in</body></html>" + new string(' ', 500));
        var source = new FakeSource
        {
            Handler = (item, variant, attempt, ct) =>
                Task.FromResult<MediaContent?>(new MediaContent(new Dribble(page, 7), page.Length, "application/octet-stream")),
        };
        var events = SessionKit.Save(folder, source, [Items.Photo("id-H", "h.jpg")]);
        SaveEvent error = Assert.Single(events, e => e.Kind == SaveEventKind.Error);
        Assert.Contains("HTML page", error.Message);
        Assert.False(File.Exists(Path.Combine(folder.Destination, "h.jpg")));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Destination, ".gphotos", "tmp")));
    }

    [Fact]
    public void More_bytes_than_announced_fail_the_item_even_when_they_arrive_inside_one_buffer()
    {
        using var folder = new TempFolder();
        byte[] data = FakeSource.BytesFor("id-T", ContentVariant.Original);
        var source = new FakeSource
        {
            Handler = (item, variant, attempt, ct) =>
                Task.FromResult<MediaContent?>(new MediaContent(new Dribble(data, 3), 1000, "image/jpeg")),
        };
        var events = SessionKit.Save(folder, source, [Items.Photo("id-T", "t.jpg")]);
        SaveEvent error = Assert.Single(events, e => e.Kind == SaveEventKind.Error);
        Assert.Contains("were announced", error.Message);
        Assert.False(File.Exists(Path.Combine(folder.Destination, "t.jpg")));
    }
}
