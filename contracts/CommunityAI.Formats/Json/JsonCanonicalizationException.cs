namespace CommunityAI.Formats.Json;

/// <summary>
/// The input cannot be canonicalized under RFC 8785: it is not JSON, not I-JSON (RFC 7493: duplicate
/// member names, invalid Unicode), or holds a number that would not survive the trip through an
/// IEEE 754 double. <see cref="Path"/> says where.
/// </summary>
public sealed class JsonCanonicalizationException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">What is wrong, without the location.</param>
    /// <param name="path">Where, as a JSONPath such as <c>$.data.items[3]</c>.</param>
    /// <param name="innerException">The parser's or encoder's own exception, if any.</param>
    public JsonCanonicalizationException(string reason, string path, Exception? innerException = null)
        : base($"{reason} at {path}", innerException)
    {
        Reason = reason;
        Path = path;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>Where the problem is, as a JSONPath such as <c>$.data.items[3]</c>; <c>$</c> for the whole document.</summary>
    public string Path { get; }
}
