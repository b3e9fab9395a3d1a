#nullable enable
using System.Runtime.InteropServices;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>
/// The commit's file calls, with the Linux fast path (renameat2, utimensat) and with .NET's calls (every other
/// system): the same promises either way. Not run in parallel with other classes that flip the switch.
/// </summary>
[Collection(nameof(LinuxFileCallsSwitch))]
public class AtomicFileTests
{
    public static TheoryData<bool> Paths => new() { false, true };

    [Theory]
    [MemberData(nameof(Paths))]
    public void MoveNew_never_overwrites_an_existing_file_and_keeps_the_temp(bool dotnetOnly)
    {
        using var folder = new TempFolder();
        string temp = Path.Combine(folder.Root, "t.part"), target = Path.Combine(folder.Root, "user.jpg");
        File.WriteAllText(temp, "ours");
        File.WriteAllText(target, "the user's");
        using (LinuxFileCallsSwitch.Set(dotnetOnly))
        {
            var error = Assert.ThrowsAny<IOException>(() => AtomicFile.MoveNew(temp, target));
            Assert.Contains(target, error.Message);
        }
        Assert.Equal("the user's", File.ReadAllText(target));
        Assert.Equal("ours", File.ReadAllText(temp));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MoveNew_renames_and_reports_a_missing_source_as_dotnet_does(bool dotnetOnly)
    {
        using var folder = new TempFolder();
        string temp = Path.Combine(folder.Root, "t.part"), target = Path.Combine(folder.Root, "new.jpg");
        File.WriteAllText(temp, "ours");
        using (LinuxFileCallsSwitch.Set(dotnetOnly))
        {
            AtomicFile.MoveNew(temp, target);
            Assert.Throws<FileNotFoundException>(() => AtomicFile.MoveNew(temp, Path.Combine(folder.Root, "other.jpg")));
        }
        Assert.Equal("ours", File.ReadAllText(target));
        Assert.False(File.Exists(temp));
    }

    [Theory]
    [InlineData(false, 2015, 1, 20, 0, 22, 25, 1234567)]
    [InlineData(true, 2015, 1, 20, 0, 22, 25, 1234567)]
    [InlineData(false, 1969, 12, 31, 23, 59, 59, 5000000)] // before 1970: negative seconds, positive nanoseconds
    [InlineData(false, 1950, 6, 1, 12, 0, 0, 0)]
    public void SetTimes_sets_the_write_time_to_the_tick_and_keeps_the_access_time(bool dotnetOnly, int y, int mo, int d, int h, int mi, int s, int ticks)
    {
        using var folder = new TempFolder();
        string file = Path.Combine(folder.Root, "a.jpg");
        File.WriteAllText(file, "x");
        var access = new DateTime(2020, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastAccessTimeUtc(file, access);
        var when = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc).AddTicks(ticks);
        using (LinuxFileCallsSwitch.Set(dotnetOnly)) AtomicFile.SetTimes(file, when);
        Assert.Equal(when, File.GetLastWriteTimeUtc(file));
        Assert.Equal(access, File.GetLastAccessTimeUtc(file));
    }

    [Fact]
    public void SetTimes_of_a_missing_file_is_best_effort()
    {
        using var folder = new TempFolder();
        AtomicFile.SetTimes(Path.Combine(folder.Root, "gone.jpg"), DateTime.UtcNow); // no exception
    }

    [Fact]
    public void Temp_names_are_unique_and_need_no_random_read_per_file()
    {
        var names = Enumerable.Range(0, 10_000).AsParallel().Select(_ => AtomicFile.NewTempPath("/x", ".part")).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.EndsWith(".part", n, StringComparison.Ordinal));
    }

    [Fact]
    public void On_64_bit_Linux_the_native_calls_are_taken_not_silently_skipped()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || IntPtr.Size != 8) return;
        using var folder = new TempFolder();
        string temp = Path.Combine(folder.Root, "t.part"), target = Path.Combine(folder.Root, "n.jpg");
        File.WriteAllText(temp, "ours");
        Assert.True(LinuxFileCalls.TryMoveNew(temp, target)); // false would mean File.Move's lstats and its check-then-rename window
        Assert.True(File.Exists(target));
        Assert.True(LinuxFileCalls.TrySetLastWriteTimeUtc(target, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(target));
    }
}

[CollectionDefinition(nameof(LinuxFileCallsSwitch), DisableParallelization = true)]
public sealed class LinuxFileCallsSwitch : IDisposable
{
    private readonly bool _was;
    private LinuxFileCallsSwitch(bool disabled)
    {
        _was = LinuxFileCalls.Disabled;
        LinuxFileCalls.Disabled = disabled;
    }

    public static LinuxFileCallsSwitch Set(bool disabled) => new(disabled);

    public void Dispose() => LinuxFileCalls.Disabled = _was;
}
