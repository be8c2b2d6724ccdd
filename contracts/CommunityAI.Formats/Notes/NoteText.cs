namespace CommunityAI.Formats.Notes;

/// <summary>What signed-note requires of a note's text: UTF-8 without control characters except newline, ending in a newline.</summary>
internal static class NoteText
{
    public static string? Problem(string text)
    {
        if (text.Length == 0 || text[^1] != '\n')
            return "the note text must end with a newline";
        foreach (var c in text)
        {
            if (c < 0x20 && c != '\n')
                return $"the note contains control character 0x{(int)c:x2}";
        }
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return "the note is not valid UTF-8";
        }
        return null;
    }

    public static void Require(string text)
    {
        if (Problem(text) is { } problem)
            throw new FormatException(problem);
    }
}
