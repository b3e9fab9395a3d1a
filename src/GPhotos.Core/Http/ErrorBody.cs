using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace GPhotos.Http
{
    /// <summary>
    /// Error bodies: read bounded (size, time, Ctrl+C) and reduced to text a user can read. An error body only carries
    /// a message, so a server that stalls after the headers, or sends megabytes, costs at most a few seconds and 64 KB.
    /// </summary>
    internal static class ErrorBody
    {
        /// <summary>Most of an error body that is read (Google's envelopes are well under 1 KB, its HTML pages ~2 KB).</summary>
        public const int MaxBytes = 64 * 1024;

        /// <summary>Longest message kept from an HTML page.</summary>
        public const int MaxMessage = 500;

        /// <summary>
        /// Up to <see cref="MaxBytes"/> of the body as UTF-8, or what arrived before <paramref name="timeout"/> passed
        /// (the status code still says what happened). Ctrl+C cancels at once.
        /// </summary>
        public static async Task<string> ReadAsync(HttpResponseMessage response, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (response.Content == null) return "";
            var buffer = new byte[MaxBytes];
            int filled = 0;
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(timeout);
                // Some platforms' response streams ignore the token once a read is pending: closing the response ends it.
                using (cts.Token.Register(state => ((HttpResponseMessage)state).Dispose(), response))
                {
                    try
                    {
                        using (Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                        {
                            int n;
                            while (filled < buffer.Length && (n = await body.ReadAsync(buffer, filled, buffer.Length - filled, cts.Token).ConfigureAwait(false)) > 0)
                                filled += n;
                        }
                    }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Stalled, reset or closed: keep what arrived; the status code is the error.
                    }
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            return Encoding.UTF8.GetString(buffer, 0, filled);
        }

        private static readonly Regex Invisible = new Regex(@"<(style|script|head|title)\b[^>]*>.*?(</\1\s*>|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        private static readonly Regex Title = new Regex(@"<title\b[^>]*>(.*?)</title\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        private static readonly Regex Tag = new Regex(@"<[^>]*>?", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        private static readonly Regex Space = new Regex(@"\s+", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        /// <summary>
        /// Readable text of an HTML (or plain) error page: no CSS from &lt;style&gt;, no scripts, no tags, entities
        /// decoded, whitespace collapsed, at most <see cref="MaxMessage"/> characters. The title is kept when the
        /// body says nothing more.
        /// </summary>
        public static string ToPlainText(string html)
        {
            if (string.IsNullOrEmpty(html)) return "";
            string text;
            try
            {
                string title = Title.Match(html) is Match m && m.Success ? m.Groups[1].Value : null;
                text = Invisible.Replace(html, " ");
                text = Tag.Replace(text, " ");
                text = Space.Replace(WebUtility.HtmlDecode(text), " ").Trim();
                if (text.Length == 0 && title != null) text = Space.Replace(WebUtility.HtmlDecode(Tag.Replace(title, " ")), " ").Trim();
            }
            catch (RegexMatchTimeoutException)
            {
                text = "(an unreadable error page)";
            }
            return text.Length > MaxMessage ? text.Substring(0, MaxMessage) + "…" : text;
        }
    }
}
