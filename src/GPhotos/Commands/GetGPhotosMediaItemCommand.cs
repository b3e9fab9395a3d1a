using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
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
            long total = WritePages(token => Run(ct => client.GetPageAsync(search, token, ct)), "Library");
            if (total == 0 && search.IsEmpty)
                WriteWarning(Messages.EmptyLibraryHint);
        }

        /// <summary>
        /// Pages through a listing, writing each page's items before asking for the next page. Empty pages that still
        /// carry a next-page token are followed (bounded by <see cref="PageGuard"/>), and an item Google repeats on a
        /// later page is written once, with a warning that says so.
        /// </summary>
        private long WritePages(Func<string, MediaPage> getPage, string what)
        {
            var pager = new PageGuard(what);
            while (!pager.IsDone)
            {
                IReadOnlyList<MediaItem> fresh;
                try { fresh = pager.Accept(getPage(pager.Token)); }
                catch (Exception ex) when (!(ex is PipelineStoppedException))
                {
                    ThrowTerminatingError(ToErrorRecord(ex, ex is ListingStalledException ? what : null, ErrorCatalog.ListFailed));
                    return pager.Total;
                }
                foreach (MediaItem item in fresh) WriteObject(item);
                WriteVerbose($"{what}: page {pager.Pages}, {pager.Total} items so far.");
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
            WritePages(token => Run(ct => client.GetPageAsync(sessionId, token, ct)), "Picker session " + sessionId);
        }
    }
}
