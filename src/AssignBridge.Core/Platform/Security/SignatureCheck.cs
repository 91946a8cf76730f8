namespace AssignBridge.Platform.Security;

/// <summary>The verdict of a request verifier. Anything but <see cref="Valid"/> answers a generic 401; the reason goes to the log only.</summary>
internal enum SignatureCheck
{
    Valid,
    Missing,
    Expired,
    Mismatch,
    NotConfigured,
}
