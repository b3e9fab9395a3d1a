using System;
using Newtonsoft.Json;

namespace GPhotos.Auth
{
    /// <summary>What GPhotos keeps per OAuth client in the <see cref="ProtectedTokenStore"/>. ToString shows no token.</summary>
    internal sealed class TokenCacheEntry
    {
        [JsonProperty("client_id")] public string ClientId { get; set; }
        [JsonProperty("token_endpoint")] public string TokenEndpoint { get; set; }
        [JsonProperty("refresh_token")] public string RefreshToken { get; set; }
        [JsonProperty("access_token")] public string AccessToken { get; set; }
        [JsonProperty("token_type")] public string TokenType { get; set; }
        [JsonProperty("access_token_expires_utc")] public DateTime? AccessTokenExpiresUtc { get; set; }

        /// <summary>Granted scopes, space-separated, as Google reported them.</summary>
        [JsonProperty("scope")] public string Scope { get; set; }

        /// <summary>The scopes asked for at the browser sign-in, space-separated.</summary>
        [JsonProperty("requested_scope")] public string RequestedScope { get; set; }

        [JsonProperty("signed_in_utc")] public DateTime SignedInUtc { get; set; }
        [JsonProperty("updated_utc")] public DateTime UpdatedUtc { get; set; }

        public TokenCacheEntry Clone() => (TokenCacheEntry)MemberwiseClone();

        public override string ToString() => $"token cache entry for {ClientId} (signed in {SignedInUtc:u})";
    }
}
