using System.Threading;
using System.Threading.Tasks;

namespace GPhotos.Http
{
    /// <summary>Supplies bearer tokens to the API clients. Implemented by the auth layer; never logs a token.</summary>
    public interface IAccessTokenProvider
    {
        /// <summary>A currently valid access token (refreshing it first when it is known to be expired).</summary>
        Task<string> GetAccessTokenAsync(CancellationToken cancellationToken);

        /// <summary>
        /// The server rejected <paramref name="rejectedToken"/> with 401: get a fresh one. Throws
        /// <see cref="AuthenticationExpiredException"/> with an actionable message when no refresh is possible.
        /// </summary>
        Task<string> RefreshAccessTokenAsync(string rejectedToken, CancellationToken cancellationToken);
    }
}
