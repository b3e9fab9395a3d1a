using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace GPhotos.Auth
{
    /// <summary>
    /// Receives Google's redirect on <c>http://127.0.0.1:&lt;free port&gt;/</c>. Not Google's <c>LocalServerCodeReceiver</c>,
    /// which picks a port, closes it and reopens it later (a race), may fall back to <c>localhost</c> (needs an HttpListener URL
    /// ACL on some Windows), accepts the first request whatever it is (a favicon fetch or a browser's pre-connect ends the
    /// wait without a code), checks no <c>state</c>, and cannot be told to hand out the URL instead of opening a browser.
    /// This one binds a TcpListener to 127.0.0.1 port 0 and keeps that socket, serves connections concurrently, answers
    /// stray requests with 404 and keeps listening, and completes only on a request that carries the expected
    /// <c>state</c> with a <c>code</c> or an <c>error</c>.
    /// </summary>
    internal sealed class LoopbackListener : IDisposable
    {
        private const int MaxHeaderBytes = 32 * 1024;
        private static readonly TimeSpan ConnectionReadTimeout = TimeSpan.FromSeconds(15);

        private readonly TcpListener _listener;
        private readonly string _expectedState;
        private readonly TaskCompletionSource<IDictionary<string, string>> _result =
            new TaskCompletionSource<IDictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private int _disposed;

        private LoopbackListener(TcpListener listener, string expectedState)
        {
            _listener = listener;
            _expectedState = expectedState;
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            RedirectUri = "http://127.0.0.1:" + Port + "/";
        }

        public int Port { get; }

        /// <summary>The redirect URI to register in the authorization request.</summary>
        public string RedirectUri { get; }

        /// <summary>Binds 127.0.0.1 on a free port and starts accepting.</summary>
        public static LoopbackListener Start(string expectedState)
        {
            var tcp = new TcpListener(IPAddress.Loopback, 0);
            if (ProtectedTokenStore.IsWindows)
            {
                try { tcp.ExclusiveAddressUse = true; } catch (SocketException) { } // no other process may share the port
            }
            tcp.Start();
            var listener = new LoopbackListener(tcp, expectedState);
            Task.Run(listener.AcceptLoopAsync);
            return listener;
        }

        /// <summary>
        /// The query parameters of the redirect (<c>code</c>/<c>error</c>, <c>state</c>, <c>scope</c>…). Cancelled by
        /// <paramref name="cancellationToken"/>; the caller disposes the listener, which closes the port.
        /// </summary>
        public async Task<IDictionary<string, string>> WaitForRedirectAsync(CancellationToken cancellationToken)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                Task done = await Task.WhenAny(_result.Task, cancelled.Task).ConfigureAwait(false);
                if (done != _result.Task) throw new OperationCanceledException(cancellationToken);
                return await _result.Task.ConfigureAwait(false);
            }
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return; // Stop() aborts the pending accept
                }
                catch (SocketException)
                {
                    continue;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                timeout.CancelAfter(ConnectionReadTimeout);
                NetworkStream stream = client.GetStream();
                // NetworkStream ignores cancellation tokens on .NET Framework: closing the socket ends a pending read.
                using (timeout.Token.Register(() => { try { client.Close(); } catch (Exception) { } }))
                {
                    try
                    {
                        string requestLine = await ReadRequestHeadAsync(stream, timeout.Token).ConfigureAwait(false);
                        if (requestLine == null) return;
                        await HandleAsync(stream, requestLine, timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception) // a broken or stalled connection is not the redirect: keep listening
                    {
                    }
                }
            }
        }

        private static async Task<string> ReadRequestHeadAsync(Stream stream, CancellationToken cancellationToken)
        {
            var head = new MemoryStream();
            var buffer = new byte[2048];
            while (head.Length < MaxHeaderBytes)
            {
                int read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read <= 0) return null;
                head.Write(buffer, 0, read);
                string text = Encoding.ASCII.GetString(head.GetBuffer(), 0, (int)head.Length);
                int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    int lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
                    return text.Substring(0, lineEnd);
                }
            }
            return null;
        }

        private async Task HandleAsync(Stream stream, string requestLine, CancellationToken cancellationToken)
        {
            string[] parts = requestLine.Split(' ');
            if (parts.Length != 3 || (parts[0] != "GET" && parts[0] != "HEAD"))
            {
                await RespondAsync(stream, 405, "Method Not Allowed", Page("GPhotos", "Only GET is served here."), cancellationToken).ConfigureAwait(false);
                return;
            }
            string target = parts[1];
            int q = target.IndexOf('?');
            string path = q < 0 ? target : target.Substring(0, q);
            IDictionary<string, string> query = ParseQuery(q < 0 ? "" : target.Substring(q + 1));

            if (path != "/")
            {
                await RespondAsync(stream, 404, "Not Found", Page("GPhotos", "Not found."), cancellationToken).ConfigureAwait(false);
                return;
            }
            query.TryGetValue("state", out string state);
            bool hasAnswer = query.ContainsKey("code") || query.ContainsKey("error");
            if (!hasAnswer || !string.Equals(state, _expectedState, StringComparison.Ordinal))
            {
                // Not Google's redirect for this sign-in (a stale tab, a probe, or a forged request): ignore it.
                await RespondAsync(stream, 400, "Bad Request",
                    Page("GPhotos sign-in", "This page does not belong to the sign-in GPhotos is waiting for. Use the browser tab GPhotos opened."),
                    cancellationToken).ConfigureAwait(false);
                return;
            }

            bool ok = query.ContainsKey("code") && !query.ContainsKey("error");
            string body = ok
                ? Page("GPhotos is connected", "GPhotos received Google's answer. You can close this tab and return to PowerShell.")
                : Page("GPhotos was not connected", "Google did not grant access (" + WebUtility.HtmlEncode(query.TryGetValue("error", out string e) ? e : "") +
                    "). Return to PowerShell for details.");
            try
            {
                await RespondAsync(stream, 200, "OK", body, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _result.TrySetResult(query);
            }
        }

        internal static IDictionary<string, string> ParseQuery(string query)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string pair in query.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string key = WebUtility.UrlDecode(eq < 0 ? pair : pair.Substring(0, eq));
                string value = eq < 0 ? "" : WebUtility.UrlDecode(pair.Substring(eq + 1));
                if (!result.ContainsKey(key)) result[key] = value;
            }
            return result;
        }

        private static string Page(string title, string text) =>
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + WebUtility.HtmlEncode(title) + "</title></head>" +
            "<body style=\"font-family:sans-serif;margin:3em\"><h2>" + WebUtility.HtmlEncode(title) + "</h2><p>" + text + "</p></body></html>";

        private static async Task RespondAsync(Stream stream, int status, string reason, string html, CancellationToken cancellationToken)
        {
            byte[] body = Encoding.UTF8.GetBytes(html);
            string head = "HTTP/1.1 " + status + " " + reason + "\r\n" +
                          "Content-Type: text/html; charset=utf-8\r\n" +
                          "Content-Length: " + body.Length + "\r\n" +
                          "Cache-Control: no-store\r\n" +
                          "Connection: close\r\n\r\n";
            byte[] headBytes = Encoding.ASCII.GetBytes(head);
            await stream.WriteAsync(headBytes, 0, headBytes.Length, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(body, 0, body.Length, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Stops listening and closes the port.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _stop.Cancel();
            try { _listener.Stop(); } catch (Exception) { }
            _result.TrySetCanceled();
        }
    }
}
