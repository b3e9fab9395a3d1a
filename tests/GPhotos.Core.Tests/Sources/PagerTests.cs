using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Linq;
using System.Threading.Tasks;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using Xunit;

namespace GPhotos.Core.Tests.Sources;

/// <summary>The one page loop every listing uses (media, Picker sessions, albums).</summary>
public class PagerTests
{
    private static Album A(string id) => new() { Id = id, Title = "T" + id };

    [Fact]
    public async Task Reads_every_page_once_following_empty_pages_and_naming_repeats()
    {
        var pages = new Dictionary<string, (IReadOnlyList<Album>, string)>
        {
            [""] = (new[] { A("1"), A("2") }, "p2"),
            ["p2"] = (new Album[0], "p3"), // empty but not the end
            ["p3"] = (new[] { A("2"), A("3") }, null),
        };
        Pager<Album> pager = LibraryClient.AlbumPager();
        var asked = new List<string>();
        List<Album> all = await pager.ReadAllAsync((token, _) => { asked.Add(token ?? ""); return Task.FromResult(pages[token ?? ""]); }, default);
        Assert.Equal(new[] { "1", "2", "3" }, all.Select(a => a.Id));
        Assert.Equal(new[] { "", "p2", "p3" }, asked);
        Assert.Equal(3, pager.Pages);
        Assert.Equal(1, pager.Repeated);
        Assert.Contains("'T2' (2)", pager.RepeatWarning);
        Assert.StartsWith("Albums:", pager.RepeatWarning);
    }

    [Fact]
    public void Stops_with_ListingStalled_after_too_many_pages_with_nothing_new()
    {
        var pager = new PageGuard("Library");
        for (int i = 1; i < PageGuard.MaxPagesWithoutNewItems; i++) pager.Accept(new MediaPage(new MediaItem[0], "more"));
        var ex = Assert.Throws<ListingStalledException>(() => pager.Accept(new MediaPage(new MediaItem[0], "more")));
        Assert.Contains("Library", ex.Message);
    }

    [Fact]
    public void No_warning_when_nothing_repeats_and_done_after_the_last_page()
    {
        var pager = new PageGuard("Picker session s");
        pager.Accept(new MediaPage(new[] { new MediaItem { Id = "x", Filename = "x.jpg" } }, null));
        Assert.True(pager.IsDone);
        Assert.Null(pager.RepeatWarning);
        Assert.Equal(1, pager.Total);
    }

    [Fact]
    public void A_listed_page_is_not_kept_alive_by_the_repeat_check()
    {
        // Issue 15: the check used to hold every id string of the listing (+16 MB at 100k items).
        var pager = new PageGuard("Library");
        WeakReference id = AcceptOnePage(pager, "first");
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        Assert.False(id.IsAlive);
        // ...and it still knows the id: the same item on a later page is a repeat.
        Assert.Empty(pager.Accept(new MediaPage(new[] { new MediaItem { Id = string.Concat("first", "-id"), Filename = "f.jpg" } }, null)));
        Assert.Equal(1, pager.Repeated);
        Assert.Contains("'f.jpg' (first-id)", pager.RepeatWarning);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference AcceptOnePage(PageGuard pager, string prefix)
    {
        string id = string.Concat(prefix, "-id"); // built at run time: a literal would be interned and never collected
        pager.Accept(new MediaPage(new[] { new MediaItem { Id = id, Filename = "f.jpg" } }, "next"));
        return new WeakReference(id);
    }

    [Fact]
    public void Repeat_check_is_exact_and_small_at_half_a_million_ids()
    {
        var seen = new IdFingerprints();
        const int n = 500_000;
        for (int i = 0; i < n; i++) Assert.True(seen.Add("AGj1epU" + i.ToString("x8") + "Qz"));
        for (int i = 0; i < n; i += 997) Assert.False(seen.Add("AGj1epU" + i.ToString("x8") + "Qz"));
        Assert.Equal(n, seen.Count);
        Assert.True(seen.Bytes <= 24L * n, $"{seen.Bytes} bytes for {n} ids");
    }

    [Fact]
    public void Id_batches_are_cut_at_fifty()
    {
        var pending = Enumerable.Range(0, 120).Select(i => "id" + i).ToList();
        Assert.True(IdBatches.HasFull(pending));
        var sizes = new List<int>();
        while (pending.Count > 0) sizes.Add(IdBatches.TakeFrom(pending).Count);
        Assert.Equal(new[] { 50, 50, 20 }, sizes);
        Assert.False(IdBatches.HasFull(pending));
    }
}
