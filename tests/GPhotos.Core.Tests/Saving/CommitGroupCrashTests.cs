#nullable enable
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Sources;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>
/// The grouped flush (CommitGroups) keeps Save's crash promise. A kill at a commit step is played by copying the
/// destination at that instant, from the committer's own thread (what a killed process leaves on disk: the page cache
/// survives, the process's later steps do not happen). The copy must hold no file under a final name that is
/// incomplete or unknown to its index, and a second run on the copy must end with every item saved once: none lost,
/// none duplicated beside itself, no temp file left.
/// </summary>
public class CommitGroupCrashTests
{
    private const int Count = 40;

    private static List<MediaItem> Photos() => Enumerable.Range(0, Count).Select(i => Items.Photo($"id-{i}", $"p{i}.jpg")).ToList();

    [Theory]
    [InlineData(0)]  // Written: temp files written, group not yet flushed
    [InlineData(1)]  // Flushed: no index line, no rename
    [InlineData(2)]  // Indexed: index line written, not renamed
    [InlineData(3)]  // Renamed: result not reported
    public void A_kill_at_any_commit_step_leaves_no_partial_or_unknown_file_and_the_next_run_saves_each_item_once(int step)
    {
        var at = (CommitStep)step;
        using var folder = new TempFolder();
        string crashed = Path.Combine(folder.Root, "crashed");
        string? crashedItem = null;
        int seen = 0;
        var source = new FakeSource { ReadDelay = TimeSpan.FromMilliseconds(1) };
        var events = SessionKit.Save(folder, source, Photos(), o =>
        {
            o.ThrottleLimit = 4;
            o.OnCommitStep = (step, item) =>
            {
                if (step != at || Interlocked.Increment(ref seen) != 12) return;
                crashedItem = item.Id;
                CopyFolder(folder.Destination, crashed); // the committer waits: nothing of this item happens after the "kill"
            };
        });
        Assert.Empty(events.Where(e => e.Kind is SaveEventKind.Error or SaveEventKind.Fatal).Select(e => e.Message));
        Assert.Equal(Count, events.Results().Count);
        Assert.NotNull(crashedItem);

        // What the kill left: every visible file is complete and in the index.
        string[] index = File.ReadAllLines(Path.Combine(crashed, ".gphotos", "index.jsonl"));
        string[] visible = VisibleFiles(crashed);
        foreach (string name in visible)
        {
            string id = "id-" + name.Substring(1, name.IndexOf('.') - 1);
            Assert.Equal(FakeSource.BytesFor(id, ContentVariant.Original), File.ReadAllBytes(Path.Combine(crashed, name)));
            Assert.Contains(index, line => line.Contains($"\"id\":\"{id}\"", StringComparison.Ordinal) && line.Contains($"\"path\":\"{name}\"", StringComparison.Ordinal));
        }
        string crashedName = "p" + crashedItem!.Substring(3) + ".jpg";
        Assert.Equal(at == CommitStep.Renamed, visible.Contains(crashedName));
        Assert.Equal(at >= CommitStep.Indexed, index.Any(l => l.Contains($"\"id\":\"{crashedItem}\"", StringComparison.Ordinal)));

        // The next run: every item once, under its own name, complete; the kill's temp files gone.
        List<SaveEvent> again;
        using (var session = new SaveSession(SessionKit.Options(folder, o => o.Destination = crashed), _ => new FakeSource()))
            again = SessionKit.Run(session, Photos());
        Assert.Empty(again.Errors());
        Assert.Equal(Count, again.Results().Count);
        Assert.Equal(Photos().Select(p => p.Filename!).OrderBy(n => n, StringComparer.Ordinal), VisibleFiles(crashed));
        foreach (MediaItem p in Photos())
            Assert.Equal(FakeSource.BytesFor(p.Id, ContentVariant.Original), File.ReadAllBytes(Path.Combine(crashed, p.Filename!)));
        Assert.Empty(Directory.GetFiles(Path.Combine(crashed, ".gphotos", "tmp")));
    }

    [Fact]
    public void Every_file_is_flushed_before_its_index_line_and_rename_and_groups_hold_several_items()
    {
        using var folder = new TempFolder();
        var steps = new List<(string Step, string Id)>();
        var source = new FakeSource { ReadDelay = TimeSpan.FromMilliseconds(1) };
        var events = SessionKit.Save(folder, source, Photos(), o =>
        {
            o.ThrottleLimit = 8;
            o.OnCommitStep = (step, item) => { lock (steps) steps.Add((step.ToString(), item.Id)); };
            o.FlushFault = item => { lock (steps) steps.Add(("fsync", item.Id)); return null; }; // called just before the file's flush
        });
        Assert.Equal(Count, events.Results().Count(r => r.Status == SaveStatus.Saved));
        foreach (MediaItem p in Photos())
        {
            int[] order = [.. new[] { "Written", "fsync", "Flushed", "Indexed", "Renamed" }
                .Select(s => steps.FindIndex(x => x.Step == s && x.Id == p.Id))];
            Assert.DoesNotContain(-1, order);
            Assert.Equal(order.OrderBy(i => i), order);
        }
        // One committer, groups of what was queued: fewer flush rounds than items (a round's Flushed steps are consecutive).
        int rounds = steps.Where((s, i) => s.Step == "Flushed" && (i == 0 || steps[i - 1].Step != "Flushed")).Count();
        Assert.True(rounds < Count, $"{rounds} flush rounds for {Count} items: nothing was grouped");
    }

    [Fact]
    public void A_failed_flush_is_that_items_error_only_and_leaves_no_file()
    {
        using var folder = new TempFolder();
        var source = new FakeSource();
        var events = SessionKit.Save(folder, source, Photos(), o =>
            o.FlushFault = item => item.Id == "id-7" ? new IOException("Input/output error (simulated)") : null);
        var error = Assert.Single(events.Errors());
        Assert.Equal("id-7", error.Item!.Id);
        Assert.Contains("'p7.jpg'", error.Message);
        Assert.Contains("Input/output error (simulated)", error.Message);
        Assert.Equal(Count - 1, events.Results().Count(r => r.Status == SaveStatus.Saved));
        Assert.DoesNotContain("p7.jpg", folder.UserVisibleFiles());
        Assert.DoesNotContain(File.ReadAllLines(folder.IndexPath), l => l.Contains("\"id\":\"id-7\"", StringComparison.Ordinal));
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void A_full_disk_at_the_flush_stops_the_run_with_DiskFull()
    {
        using var folder = new TempFolder();
        var events = SessionKit.Save(folder, new FakeSource(), Photos(), o =>
            o.FlushFault = item => item.Id == "id-3" ? new IOException("No space left on device (simulated)", OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28) : null);
        var fatal = Assert.Single(events, e => e.Kind == SaveEventKind.Fatal);
        Assert.Equal(ErrorCatalog.DiskFull, fatal.Entry!.Id);
        Assert.DoesNotContain("p3.jpg", folder.UserVisibleFiles());
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void Per_file_flush_is_still_there_with_a_group_size_of_one()
    {
        using var folder = new TempFolder();
        int steps = 0;
        var events = SessionKit.Save(folder, new FakeSource(), Photos(), o =>
        {
            o.CommitGroupSize = 1;
            o.OnCommitStep = (step, _) => { if (step <= CommitStep.Flushed) Interlocked.Increment(ref steps); };
        });
        Assert.Equal(Count, events.Results().Count(r => r.Status == SaveStatus.Saved));
        Assert.Equal(0, steps); // no group: each worker flushed its own file
        Assert.Equal(Count, folder.UserVisibleFiles().Length);
    }

    private static string[] VisibleFiles(string root) => Directory.GetFiles(root)
        .Select(Path.GetFileName).OfType<string>().OrderBy(n => n, StringComparer.Ordinal).ToArray();

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(to, Path.GetRelativePath(from, file));
            bool held = Path.GetFileName(Path.GetDirectoryName(file)) == "tmp" || Path.GetFileName(file) == "lock";
            try
            {
                using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var output = File.Create(copy);
                input.CopyTo(output);
            }
            catch (FileNotFoundException) when (held) { } // a temp file renamed or deleted while copying
            catch (IOException) when (held)
            {
                // Open and locked by its writer (a temp file, the lock): what a kill leaves there is a partial file.
                File.WriteAllText(copy, "partial");
            }
        }
    }
}
