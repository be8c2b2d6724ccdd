namespace CommunityAI.Contributions.Domain;

/// <summary>
/// The master keys that wrap data keys (envelope encryption): new data keys go under the active key; a data key under a
/// retired key is still opened, and <see cref="Rewrap"/> moves it to the active key without touching the content.
/// </summary>
public sealed class MasterKeyRing
{
    private readonly Dictionary<string, byte[]> _keys;

    public MasterKeyRing(ContentStoreOptions options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).MasterKeys,
            options.ActiveMasterKey ?? throw new ArgumentException("no active master key", nameof(options)))
    {
    }

    /// <param name="keys">Master keys by id, each 32 bytes in base64 (checked first by <see cref="Problems"/>).</param>
    public MasterKeyRing(IReadOnlyDictionary<string, string> keys, string activeKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.ToDictionary(kv => kv.Key, kv => Convert.FromBase64String(kv.Value.Trim()), StringComparer.Ordinal);
        ActiveKeyId = activeKeyId;
        if (!_keys.ContainsKey(ActiveKeyId))
            throw new ArgumentException($"the active master key {ActiveKeyId} is not configured", nameof(activeKeyId));
    }

    /// <summary>
    /// What makes a set of master keys unusable (none, one not 32 bytes in base64, the active one absent), in messages
    /// that name keys and their source, never a key's value; empty when a ring can be built from them.
    /// </summary>
    /// <param name="source">Where the keys are, for messages ("ContentStore:MasterKeys", "Dapr secret … in store …").</param>
    /// <param name="describeKey">How to name one key of that source.</param>
    public static IEnumerable<string> Problems(
        IReadOnlyDictionary<string, string> keys, string? activeKeyId, string source, Func<string, string> describeKey)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(describeKey);
        if (keys.Count == 0)
            yield return $"{source} must hold at least one 32-byte base64 key";
        foreach (var (id, key) in keys.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var bytes = new byte[48];
            if (!Convert.TryFromBase64String(key.Trim(), bytes, out var written) || written != ContentSealing.KeyBytes)
                yield return $"{describeKey(id)} must be 32 bytes in base64";
        }
        if (string.IsNullOrWhiteSpace(activeKeyId))
            yield return $"ContentStore:ActiveMasterKey must name one of the keys in {source}";
        else if (keys.Count > 0 && !keys.ContainsKey(activeKeyId))
            yield return $"ContentStore:ActiveMasterKey must name one of the keys in {source}; {activeKeyId} is not one " +
                $"(it has {string.Join(", ", keys.Keys.Order(StringComparer.Ordinal))})";
    }

    public string ActiveKeyId { get; }

    /// <summary>The configured keys other than the active one: those a rotation moves data keys off.</summary>
    public IEnumerable<string> RetiredKeyIds => _keys.Keys.Where(id => id != ActiveKeyId).Order(StringComparer.Ordinal);

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
