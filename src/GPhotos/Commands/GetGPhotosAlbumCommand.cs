using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using GPhotos.Commands.Infrastructure;
using GPhotos.Model;
using GPhotos.Sources.Library;

namespace GPhotos.Commands
{
    /// <summary>Lists the Library albums this app created (the only ones the Library API shows since 2025).</summary>
    [Cmdlet(VerbsCommon.Get, "GPhotosAlbum")]
    [OutputType(typeof(Album))]
    public sealed class GetGPhotosAlbumCommand : GPhotosCmdlet
    {
        /// <summary>Only albums whose title matches (wildcards allowed).</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string Title { get; set; }

        protected override void EndProcessing()
        {
            var client = new LibraryClient(RequireConnection().Api);
            WildcardPattern pattern = string.IsNullOrEmpty(Title) ? null : WildcardPattern.Get(Title, WildcardOptions.IgnoreCase);
            string token = null;
            do
            {
                (IReadOnlyList<Album> Albums, string Next) page;
                try { page = Run(ct => client.GetAlbumPageAsync(token, ct)); }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    ThrowTerminatingError(ToErrorRecord(ex, null, "AlbumListFailed"));
                    return;
                }
                foreach (Album album in page.Albums)
                    if (pattern == null || pattern.IsMatch(album.Title ?? "")) WriteObject(album);
                token = page.Next;
            } while (token != null);
        }
    }

    /// <summary>Tab completion of album ids for -AlbumId, showing titles, from the runspace's connection.</summary>
    public sealed class AlbumIdCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var connection = RunspaceState.Current.Connection;
            if (connection == null) return Enumerable.Empty<CompletionResult>();
            var results = new List<CompletionResult>();
            try
            {
                var client = new LibraryClient(connection.Api);
                string token = null;
                int pages = 0;
                do
                {
                    var page = client.GetAlbumPageAsync(token, default).GetAwaiter().GetResult();
                    foreach (Album a in page.Albums)
                    {
                        string word = wordToComplete?.Trim('\'', '"') ?? "";
                        if ((a.Title ?? "").StartsWith(word, StringComparison.OrdinalIgnoreCase) || (a.Id ?? "").StartsWith(word, StringComparison.Ordinal))
                            results.Add(new CompletionResult("'" + a.Id.Replace("'", "''") + "'", a.Title ?? a.Id, CompletionResultType.ParameterValue, $"{a.Title} ({a.MediaItemsCount} items)"));
                    }
                    token = page.NextPageToken;
                } while (token != null && ++pages < 10);
            }
            catch (Exception) { /* completion never throws */ }
            return results;
        }
    }
}
