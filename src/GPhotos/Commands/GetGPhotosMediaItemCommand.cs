using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using GPhotos.Errors;
using GPhotos.Auth;
using GPhotos.Commands.Infrastructure;
using GPhotos.Model;
using GPhotos.Sources;
using GPhotos.Sources.Library;
using GPhotos.Sources.Picker;

namespace GPhotos.Commands
{
    /// <summary>
    /// Lists media items from the Library API (app-created items), the Picker API (items the user picks), or a
    /// Google Takeout export, as one object type. Items are written as each page arrives.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GPhotosMediaItem", DefaultParameterSetName = LibrarySet)]
    [OutputType(typeof(MediaItem))]
    public sealed partial class GetGPhotosMediaItemCommand : GPhotosCmdlet
    {
        private const string LibrarySet = "Library";
        private const string ByIdSet = "ById";
        private const string PickSet = "Pick";
        private const string SessionSet = "Session";
        private const string TakeoutSet = "Takeout";

        [Parameter(ParameterSetName = LibrarySet)]
        public DateTime? From { get; set; }

        [Parameter(ParameterSetName = LibrarySet)]
        public DateTime? To { get; set; }

        [Parameter(ParameterSetName = LibrarySet)]
        [ValidateSet("Photo", "Video")]
        public string MediaType { get; set; }

        [Parameter(ParameterSetName = LibrarySet)]
        public SwitchParameter Favorite { get; set; }

        [Parameter(ParameterSetName = LibrarySet)]
        public SwitchParameter IncludeArchived { get; set; }

        [Parameter(ParameterSetName = LibrarySet)]
        [ArgumentCompleter(typeof(AlbumIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string AlbumId { get; set; }

        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; }

        [Parameter(ParameterSetName = PickSet, Mandatory = true)]
        public SwitchParameter Pick { get; set; }

        [Parameter(ParameterSetName = PickSet)]
        public SwitchParameter NoBrowser { get; set; }

        [Parameter(ParameterSetName = PickSet)]
        [ValidateRange(1, PickerClient.MaxItemsPerSession)]
        public int? MaxItemCount { get; set; }

        [Parameter(ParameterSetName = PickSet)]
        public TimeSpan? Timeout { get; set; }

        [Parameter(ParameterSetName = SessionSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SessionId { get; set; }

        private readonly List<string> _pendingIds = new List<string>();

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case ByIdSet:
                    _pendingIds.AddRange(Id.Where(i => !string.IsNullOrWhiteSpace(i)));
                    while (HasFullIdBatch(_pendingIds)) FlushIds();
                    break;
                case SessionSet:
                    WritePickerSession(RequireConnection(), SessionId);
                    break;
                case TakeoutSet:
                    ProcessTakeout();
                    break;
                case TakeoutArchiveSet: ProcessTakeoutArchive(); break;
            }
        }

        protected override void EndProcessing()
        {
            switch (ParameterSetName)
            {
                case LibrarySet: ListLibrary(RequireConnection()); break;
                case ByIdSet: while (_pendingIds.Count > 0) FlushIds(); break;
                case PickSet: PickAndList(RequireConnection()); break;
                case TakeoutSet: EndTakeout(); break;
                case TakeoutArchiveSet: EndTakeout(); break;
            }
        }

        private void ListLibrary(GPhotosConnection connection)
        {
            var search = new LibrarySearch
            {
                From = From,
                To = To,
                MediaType = MediaType == null ? (MediaType?)null : (MediaType)Enum.Parse(typeof(MediaType), MediaType, true),
                FavoritesOnly = Favorite,
                IncludeArchived = IncludeArchived,
                AlbumId = AlbumId,
            };
            try { search.Validate(); }
            catch (ArgumentException ex) { ThrowTerminatingError(ToErrorRecord(ErrorCatalog.ForInvalidFilter(ex), search)); }

            var client = new LibraryClient(connection.Api);
            Verbose(search.IsEmpty ? "Listing the Library (mediaItems.list, 100 per page)." : "Searching the Library (mediaItems:search, 100 per page).");
            long total = WritePages((token, ct) => client.GetPageAsync(search, token, ct), "Library");
            if (total == 0 && search.IsEmpty)
                WriteWarning(Messages.EmptyLibraryHint);
        }

        /// <summary>
        /// Pages through a listing, writing each page's items as it arrives. Empty pages that still carry a
        /// next-page token are followed (bounded by <see cref="PageGuard"/>), and an item Google repeats on a later
        /// page is written once, with a warning that says so.
        /// <para>
        /// One page ahead: the next page is asked for as soon as this page's first item has been written, so Google
        /// (and this process's JSON reading) prepares it while the commands downstream work on this page. Without it,
        /// a downstream command's cost and the page's round trip add up: a re-run of a saved 100k Library spent
        /// 1.7-2.0x its listing time, most of it waiting for one while the other was idle. Asking after the first
        /// item, not before it, keeps the first item one request away and <c>Select-Object -First 1</c> at one
        /// request. Never more than one page is in flight or held; the request count is unchanged, except that a
        /// downstream that stops early (e.g. <c>-First 150</c>) may have caused one more page to be asked for.
        /// </para>
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private long WritePages(Func<string, CancellationToken, Task<MediaPage>> getPage, string what)
        {
            var pager = new PageGuard(what);
            // Linked to Ctrl+C; cancelled when the downstream stops this command early, so a page asked for ahead
            // does not go on downloading for nobody.
            var ahead = CancellationTokenSource.CreateLinkedTokenSource(CancelToken);
            Task<MediaPage> next = null;
            try
            {
                while (!pager.IsDone)
                {
                    IReadOnlyList<MediaItem> fresh;
                    Task<MediaPage> asked = next;
                    next = null;
                    string token = pager.Token;
                    try { fresh = pager.Accept(RunCore(_ => asked ?? getPage(token, ahead.Token))); }
                    catch (Exception ex) when (!(ex is PipelineStoppedException))
                    {
                        ThrowTerminatingError(ToErrorRecord(ex, ex is ListingStalledException ? what : null, ErrorCatalog.ListFailed));
                        return pager.Total;
                    }
                    for (int i = 0; i < fresh.Count; i++)
                    {
                        WriteObject(fresh[i]);
                        if (i == 0 && !pager.IsDone) next = getPage(pager.Token, ahead.Token);
                    }
                    WriteVerbose($"{what}: page {pager.Pages}, {pager.Total} items so far.");
                }
            }
            finally
            {
                if (next != null)
                {
                    // Stopped early (downstream done, an error, Ctrl+C): the page asked for ahead is not wanted. Its
                    // failure, if any, is observed here; its token source is left to the collector while it may still
                    // be running (disposing it under a running request is not safe on .NET Framework).
                    ahead.Cancel();
                    next.ContinueWith(t => GC.KeepAlive(t.Exception), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
                else ahead.Dispose();
            }
            if (pager.RepeatWarning != null) WriteWarning(pager.RepeatWarning);
            return pager.Total;
        }

        private void FlushIds() => FetchNextIds(_pendingIds, WriteObject);

        private void PickAndList(GPhotosConnection connection)
        {
            PickerSession session = PickerSessionFlow.CreateAndShow(this, connection, MaxItemCount, NoBrowser);
            session = PickerSessionFlow.WaitForUser(this, connection, session, Timeout);
            WriteVerbose($"Picking session {session.Id} is done. It is kept so the items can be downloaded; remove it afterwards with Remove-GPhotosPickerSession -SessionId {session.Id} (or let it expire).");
            WritePickerSession(connection, session.Id);
        }

        private void WritePickerSession(GPhotosConnection connection, string sessionId)
        {
            var client = new PickerClient(connection.Api);
            WritePages((token, ct) => client.GetPageAsync(sessionId, token, ct), "Picker session " + sessionId);
        }
    }
}
