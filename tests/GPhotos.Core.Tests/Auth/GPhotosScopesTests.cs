using GPhotos.Auth;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

public class GPhotosScopesTests
{
    [Fact]
    public void Null_or_empty_gives_both_read_scopes()
    {
        Assert.Equal(new[] { GPhotosScopes.PickerReadOnly, GPhotosScopes.LibraryReadAppCreated }, GPhotosScopes.Resolve(null));
        Assert.Equal(GPhotosScopes.Default, GPhotosScopes.Resolve(new string[0]));
        Assert.Equal("https://www.googleapis.com/auth/photospicker.mediaitems.readonly", GPhotosScopes.PickerReadOnly);
        Assert.Equal("https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata", GPhotosScopes.LibraryReadAppCreated);
    }

    [Theory]
    [InlineData("PhotosPicker", GPhotosScopes.PickerReadOnly)]
    [InlineData("picker", GPhotosScopes.PickerReadOnly)]
    [InlineData("LibraryAppCreated", GPhotosScopes.LibraryReadAppCreated)]
    [InlineData("AppCreated", GPhotosScopes.LibraryReadAppCreated)]
    [InlineData("photospicker.mediaitems.readonly", GPhotosScopes.PickerReadOnly)]
    [InlineData("https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata", GPhotosScopes.LibraryReadAppCreated)]
    [InlineData("photoslibrary.appendonly", "https://www.googleapis.com/auth/photoslibrary.appendonly")]
    public void Short_bare_and_full_names_resolve(string input, string expected)
    {
        Assert.Equal(new[] { expected }, GPhotosScopes.Resolve(new[] { input }));
    }

    [Fact]
    public void Duplicates_and_separators_are_handled()
    {
        Assert.Equal(GPhotosScopes.Default, GPhotosScopes.Resolve(new[] { "PhotosPicker LibraryAppCreated", "picker,Default" }));
    }

    [Theory]
    [InlineData("photoslibrary")]
    [InlineData("photoslibrary.readonly")]
    [InlineData("https://www.googleapis.com/auth/photoslibrary.sharing")]
    [InlineData("http://www.googleapis.com/auth/photoslibrary.readonly/")]
    public void Removed_scopes_are_refused_with_the_2025_story(string scope)
    {
        var ex = Assert.Throws<ArgumentException>(() => GPhotosScopes.Resolve(new[] { scope }));
        Assert.Contains("31 March 2025", ex.Message);
        Assert.Contains("Picker", ex.Message);
        Assert.Contains("Takeout", ex.Message);
    }

    [Fact]
    public void Unknown_short_name_lists_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => GPhotosScopes.Resolve(new[] { "Everything" }));
        Assert.Contains("PhotosPicker", ex.Message);
        Assert.Contains("LibraryAppCreated", ex.Message);
    }
}
