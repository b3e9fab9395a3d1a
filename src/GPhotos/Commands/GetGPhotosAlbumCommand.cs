using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using GPhotos.Auth;
using GPhotos.Commands.Infrastructure;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Sources.Library;
using GPhotos.Sources;

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
            // Empty pages with a next-page token are followed, but not forever; a repeated album is listed once.
            Pager<Album> pager = LibraryClient.AlbumPager();
            while (!pager.IsDone)
            {
                IReadOnlyList<Album> fresh;
                try
                {
                    var page = Run(ct => client.GetAlbumPageAsync(pager.Token, ct));
                    fresh = pager.Accept(page.Albums, page.NextPageToken);
                }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    ThrowTerminatingError(ToErrorRecord(ex, null, ErrorCatalog.AlbumListFailed));
                    return;
                }
                foreach (Album album in fresh)
                    if (pattern == null || pattern.IsMatch(album.Title ?? "")) WriteObject(album);
            }
            if (pager.RepeatWarning != null) WriteWarning(pager.RepeatWarning);
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
            // Tab completion must never hang the prompt: a few seconds in all (no minutes of retries), and Ctrl+C
            // ends it at once.
            using (var cts = new System.Threading.CancellationTokenSource(CompletionBudget))
            {
                ConsoleCancelEventHandler onCancel = (s, e) => cts.Cancel();
                try { Console.CancelKeyPress += onCancel; } catch (Exception) { onCancel = null; }
                try { Complete(connection, wordToComplete, results, cts.Token); }
                finally { if (onCancel != null) Console.CancelKeyPress -= onCancel; }
            }
            return results;
        }

        /// <summary>How long one tab completion may spend asking Google for albums.</summary>
        public static readonly TimeSpan CompletionBudget = TimeSpan.FromSeconds(3);

        private static void Complete(GPhotosConnection connection, string wordToComplete, List<CompletionResult> results, System.Threading.CancellationToken ct)
        {
            try
            {
                var client = new LibraryClient(connection.Api);
                Pager<Album> pager = LibraryClient.AlbumPager();
                string word = wordToComplete?.Trim('\'', '"') ?? "";
                while (!pager.IsDone && pager.Pages < 10)
                {
                    var page = WaitCancellable(client.GetAlbumPageAsync(pager.Token, ct), ct);
                    foreach (Album a in pager.Accept(page.Albums, page.NextPageToken))
                    {
                        if ((a.Title ?? "").StartsWith(word, StringComparison.OrdinalIgnoreCase) || (a.Id ?? "").StartsWith(word, StringComparison.Ordinal))
                            results.Add(new CompletionResult("'" + a.Id.Replace("'", "''") + "'", a.Title ?? a.Id, CompletionResultType.ParameterValue, $"{a.Title} ({a.MediaItemsCount} items)"));
                    }
                }
            }
            catch (Exception) { /* completion never throws */ }
        }

        /// <summary>Waits for <paramref name="task"/> but returns control as soon as <paramref name="ct"/> fires.</summary>
        private static T WaitCancellable<T>(System.Threading.Tasks.Task<T> task, System.Threading.CancellationToken ct)
        {
            var cancelled = System.Threading.Tasks.Task.Delay(System.Threading.Timeout.Infinite, ct);
            if (System.Threading.Tasks.Task.WhenAny(task, cancelled).GetAwaiter().GetResult() != task)
                throw new OperationCanceledException(ct);
            return task.GetAwaiter().GetResult();
        }
    }
}
