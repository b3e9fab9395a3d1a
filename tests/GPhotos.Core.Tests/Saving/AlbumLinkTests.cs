#nullable enable
using GPhotos.Model;
using GPhotos.Saving;
using GPhotos.Verification;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

/// <summary>Issue 16 item 3: album folders as hard links.</summary>
public class AlbumLinkTests
{
    private static MediaItem InAlbums(string id, string name, params string[] albums)
    {
        MediaItem item = Items.Photo(id, name);
        item.Albums = albums;
        return item;
    }

    private static List<SaveEvent> Save(TempFolder folder, IEnumerable<MediaItem> items, Action<SaveOptions>? configure = null, Func<string, string, (LinkOutcome, string)>? link = null)
    {
        using var session = new SaveSession(SessionKit.Options(folder, o => { o.AlbumFolder = "Albums"; configure?.Invoke(o); }), _ => new FakeSource());
        if (link != null) session.Albums.Link = link;
        return SessionKit.Run(session, items);
    }

    [Fact]
    public void Albums_become_folders_of_hard_links_with_safe_titles()
    {
        using var folder = new TempFolder();
        var events = Save(folder, [InAlbums("id-A", "a.jpg", "Trip 2024", "../../escape", "Trip 2024")]);
        SaveResult a = events.Single("id-A");
        Assert.Equal(2, a.AlbumLinks.Length);
        string trip = Path.Combine(folder.Destination, "Albums", "Trip 2024", "a.jpg");
        Assert.Contains(trip, a.AlbumLinks);
        Assert.All(a.AlbumLinks, l => Assert.StartsWith(Path.Combine(folder.Destination, "Albums") + Path.DirectorySeparatorChar, Path.GetFullPath(l)));
        // A hard link, not a copy: a change to the saved file shows through the link.
        File.AppendAllText(a.Path, "x");
        Assert.Equal(new FileInfo(a.Path).Length, new FileInfo(trip).Length);
        Assert.DoesNotContain(events, e => e.Kind == SaveEventKind.Warning);
    }

    [Fact]
    public void An_item_that_left_an_album_loses_its_link_and_the_check_sees_broken_links()
    {
        using var folder = new TempFolder();
        Save(folder, [InAlbums("id-A", "a.jpg", "Old")]);
        string old = Path.Combine(folder.Destination, "Albums", "Old", "a.jpg");
        Assert.True(File.Exists(old));

        var second = Save(folder, [InAlbums("id-A", "a.jpg", "New")]);
        Assert.False(File.Exists(old));
        string now = Assert.Single(second.Single("id-A").AlbumLinks);
        Assert.Equal(Path.Combine(folder.Destination, "Albums", "New", "a.jpg"), now);

        var problems = new List<BackupProblem>();
        Assert.True(BackupVerifier.Run(folder.Destination, false, problems.Add).Healthy);
        File.Delete(now);
        BackupVerifier.Run(folder.Destination, false, problems.Add);
        BackupProblem broken = Assert.Single(problems);
        Assert.Equal(BackupProblemKind.AlbumLinkBroken, broken.Kind);
        Assert.Equal("id-A", broken.Id);

        Save(folder, [InAlbums("id-A", "a.jpg", "New")]); // the next save makes it again
        Assert.True(File.Exists(now));
    }

    [Fact]
    public void A_users_file_at_the_link_name_is_kept_and_the_link_takes_the_id_suffix()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Destination, "Albums", "Trip"));
        string mine = Path.Combine(folder.Destination, "Albums", "Trip", "a.jpg");
        File.WriteAllText(mine, "mine");
        var events = Save(folder, [InAlbums("id-A", "a.jpg", "Trip")]);
        string link = Assert.Single(events.Single("id-A").AlbumLinks);
        Assert.NotEqual(mine, link);
        Assert.Equal("mine", File.ReadAllText(mine));
    }

    [Theory]
    [InlineData(AlbumLinkFallback.Copy)]
    [InlineData(AlbumLinkFallback.Skip)]
    public void Where_hard_links_are_impossible_it_says_so_once_and_copies_or_skips(AlbumLinkFallback fallback)
    {
        using var folder = new TempFolder();
        int calls = 0;
        var events = Save(folder, [InAlbums("id-A", "a.jpg", "T"), InAlbums("id-B", "b.jpg", "T", "U")],
            o => o.AlbumLinkFallback = fallback,
            (_, _) => { Interlocked.Increment(ref calls); return (LinkOutcome.Unsupported, "errno 18"); });
        SaveEvent said = Assert.Single(events, e => e.Kind == SaveEventKind.Warning);
        Assert.Equal(GPhotos.Errors.ErrorCatalog.AlbumLinksUnsupported, said.ErrorId);
        Assert.Contains("errno 18", said.Message);
        // Asked until the first answer is known: the two items' workers may both ask before it is (seen in a clean-clone
        // run); never once per link afterwards (3 links here).
        Assert.InRange(calls, 1, 2);
        int links = events.Results().Sum(r => r.AlbumLinks.Length);
        if (fallback == AlbumLinkFallback.Copy)
        {
            Assert.Equal(3, links);
            string copy = Path.Combine(folder.Destination, "Albums", "U", "b.jpg");
            Assert.Equal(File.ReadAllBytes(events.Single("id-B").Path), File.ReadAllBytes(copy));
        }
        else
        {
            Assert.Equal(0, links);
            Assert.False(Directory.Exists(Path.Combine(folder.Destination, "Albums", "U")));
        }
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".gphotos")]
    public void The_album_folder_must_be_one_plain_name(string name)
    {
        using var folder = new TempFolder();
        Assert.Throws<ArgumentException>(() => new SaveSession(SessionKit.Options(folder, o => o.AlbumFolder = name), _ => new FakeSource()));
    }
}
