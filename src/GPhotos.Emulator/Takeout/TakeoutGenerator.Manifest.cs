#nullable enable
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GPhotos.Emulator.Takeout;

public static partial class TakeoutGenerator
{
    // What a correct reader must produce from the planned files (manifest.json).
    private sealed partial class Plan
    {
        public TakeoutManifest Manifest(string dir)
        {
            var m = new TakeoutManifest { Seed = _o.Seed, Language = _lang.Code, Directory = dir, PhotosRoot = _root, Parts = _partNames.ToList() };
            foreach (var it in _items)
            {
                var src = it.EditedOf ?? it;
                var p = it.Primary!;
                string id, filename;
                if (it.EditedOf != null)
                {
                    id = src.UrlId + "-edited";
                    filename = src.Title[..src.Title.LastIndexOf('.')] + it.EditedSuffix + it.MediaNameOverride![it.MediaNameOverride!.LastIndexOf('.')..];
                }
                else if (it.Style != Style.None)
                {
                    id = it.UrlId!;
                    filename = it.Title;
                }
                else
                {
                    var name = p.Path[(p.Path.LastIndexOf('/') + 1)..];
                    var folder = it.InYear ? it.Year.ToString(CultureInfo.InvariantCulture) : it.Albums[0].Folder;
                    id = FallbackId(folder + "/" + name);
                    filename = name;
                }

                DateTime? created;
                if (src.Style != Style.None)
                    created = DateTime.UnixEpoch.AddSeconds((src.NoTakenTime ? src.Created : src.Taken)!.Value);
                else if (it.ExifDate != null && it.Mime == "image/jpeg") created = it.ExifDate;
                else created = FileNameDateOf(filename);

                bool hasSidecar = src.Style != Style.None;
                double? lat = hasSidecar ? (src.Lat is { } la && la != 0 ? src.Lat : src.ExifLat) : null;
                double? lon = hasSidecar ? (src.Lat is { } la2 && la2 != 0 ? src.Lon : src.ExifLon) : null;
                double? alt = hasSidecar ? (src.Lat is { } la3 && la3 != 0 ? src.Alt : src.ExifAlt) : null;

                m.Items.Add(new TakeoutManifestItem
                {
                    Id = id,
                    Filename = filename,
                    Quirk = it.Quirk,
                    MediaType = it.Mime.StartsWith("video/", StringComparison.Ordinal) ? "Video" : "Photo",
                    MimeType = it.Mime,
                    CreationTime = created is { } c ? DateTime.SpecifyKind(c, DateTimeKind.Utc) : null,
                    Width = it.W,
                    Height = it.H,
                    Latitude = lat,
                    Longitude = lon,
                    Altitude = lat == null ? null : alt,
                    Description = hasSidecar && !string.IsNullOrEmpty(src.Description) ? src.Description : null,
                    People = hasSidecar ? src.People.ToList() : new(),
                    Albums = it.Albums.Select(a => a.Title).Distinct().OrderBy(t => t, StringComparer.OrdinalIgnoreCase).ToList(),
                    IsFavorite = hasSidecar && src.Fav,
                    IsArchived = hasSidecar && src.Arch,
                    IsTrashed = hasSidecar && src.Trash,
                    HasSidecar = hasSidecar,
                    Copies = it.Media.Count,
                    Archive = _partNames[p.Part],
                    Entry = p.Path,
                    Size = p.Size,
                    Sha256 = p.Sha256!,
                    SidecarArchive = it.PrimarySidecar == null ? null : _partNames[it.PrimarySidecar.Part],
                    SidecarEntry = it.PrimarySidecar?.Path,
                    MotionVideoArchive = it.PrimaryMotion == null ? null : _partNames[it.PrimaryMotion.Part],
                    MotionVideoEntry = it.PrimaryMotion?.Path,
                    MotionVideoSize = it.PrimaryMotion?.Size,
                    MotionVideoSha256 = it.PrimaryMotion?.Sha256,
                });
            }
            m.OrphanSidecars = _orphans.Select(o => _partNames[_files.First(f => f.Path == o).Part] + "|" + o).ToList();
            var live = m.Items.Where(i => !i.IsTrashed).ToList();
            m.Expected = new TakeoutManifestCounts
            {
                Items = live.Count,
                TrashedSkipped = m.Items.Count - live.Count,
                WithoutSidecar = live.Count(i => !i.HasSidecar),
                DuplicatesMerged = live.Sum(i => i.Copies - 1),
                EditedCopies = live.Count(i => i.Quirk == "edited"),
                MotionCompanions = live.Count(i => i.MotionVideoEntry != null),
                OrphanSidecars = _orphans.Count,
            };
            return m;
        }

        private static DateTime? FileNameDateOf(string name)
        {
            var m = System.Text.RegularExpressions.Regex.Match(name, @"(\d{4})(\d{2})(\d{2})[_-](\d{2})(\d{2})(\d{2})");
            if (!m.Success) return null;
            int G(int i) => int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture);
            return new DateTime(G(1), G(2), G(3), G(4), G(5), G(6), DateTimeKind.Utc);
        }
    }
}
