using System;

namespace GPhotos.Auth
{
    /// <summary>Signing in to Google failed for a reason the user can act on (the message says how).</summary>
    public class GPhotosAuthenticationException : Exception
    {
        public GPhotosAuthenticationException(string message, Exception inner = null) : base(message, inner) { }
    }

    /// <summary>Why an interactive (browser) sign-in is needed.</summary>
    public enum InteractiveLoginReason
    {
        /// <summary>No saved sign-in for this OAuth client in the token cache.</summary>
        NoCachedToken,

        /// <summary>Google answered <c>invalid_grant</c>: the saved refresh token expired or was revoked.</summary>
        RefreshTokenRejected,

        /// <summary>The saved sign-in does not cover the requested scopes (a refresh cannot add scopes).</summary>
        ScopesNotGranted,

        /// <summary>The caller asked for a new sign-in (<c>ForceNewLogin</c>).</summary>
        ForceNewLogin,
    }

    /// <summary>
    /// A browser sign-in is needed but the session is non-interactive (<see cref="ConnectOptions.AllowInteractive"/> false,
    /// e.g. a scheduled task). Thrown at once: no browser is opened and nothing waits.
    /// </summary>
    public sealed class InteractiveLoginRequiredException : GPhotosAuthenticationException
    {
        public InteractiveLoginRequiredException(InteractiveLoginReason reason, string message, Exception inner = null)
            : base(message, inner)
        {
            Reason = reason;
        }

        public InteractiveLoginReason Reason { get; }
    }

    /// <summary>The user (or the account's policy) declined access on Google's consent page (<c>error=access_denied</c>).</summary>
    public sealed class AuthorizationDeniedException : GPhotosAuthenticationException
    {
        public AuthorizationDeniedException(string error, string message) : base(message)
        {
            Error = error;
        }

        /// <summary>The OAuth error code Google sent to the loopback redirect (e.g. <c>access_denied</c>).</summary>
        public string Error { get; }
    }
}
