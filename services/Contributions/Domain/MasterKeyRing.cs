namespace CommunityAI.Contributions.Domain;

/// <summary>
/// The master keys that wrap data keys (envelope encryption): new data keys go under the active key; a data key under a
/// retired key is still opened, and <see cref="Rewrap"/> moves it to the active key without touching the content.
/// </summary>
public sealed class MasterKeyRing
{
    private readonly Dictionary<string, byte[]> _keys;

    public MasterKeyRing(ContentStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys = options.MasterKeys.ToDictionary(kv => kv.Key, kv => Convert.FromBase64String(kv.Value), StringComparer.Ordinal);
        ActiveKeyId = options.ActiveMasterKey ?? throw new ArgumentException("no active master key", nameof(options));
        if (!_keys.ContainsKey(ActiveKeyId))
            throw new ArgumentException($"the active master key {ActiveKeyId} is not configured", nameof(options));
    }

    public string ActiveKeyId { get; }

    /// <summary>The data key sealed under the active master key, bound to <paramref name="binding"/>.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> binding) => ContentSealing.Seal(_keys[ActiveKeyId], dataKey, binding);

    /// <exception cref="KeyNotFoundException">The master key it was wrapped under is no longer configured.</exception>
    public byte[] Unwrap(string keyId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> binding) =>
        _keys.TryGetValue(keyId, out var key)
            ? ContentSealing.Open(key, wrapped, binding)
            : throw new KeyNotFoundException($"master key {keyId} is not configured");

    /// <summary>The same data key, now under the active master key.</summary>
    public byte[] Rewrap(string keyId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> binding) => Wrap(Unwrap(keyId, wrapped, binding), binding);
}
