namespace CommunityAI.Formats.Notes;

/// <summary>
/// Standard base64 with padding, strictly: .NET's decoder skips whitespace, which a note line must not contain, and
/// a value must re-encode to the same text, so no two spellings of one signature exist.
/// </summary>
internal static class NoteBase64
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 != 0 || text.Any(c => c is ' ' or '\t' or '\r' or '\n'))
            return false;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return false;
        }
        return Convert.ToBase64String(bytes) == text;
    }
}
