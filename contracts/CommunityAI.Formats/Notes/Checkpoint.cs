using System.Globalization;
using System.Text;

namespace CommunityAI.Formats.Notes;

/// <summary>
/// A C2SP <c>tlog-checkpoint</c> body: the log's origin, the tree size in decimal, the root hash in standard base64,
/// then optional extension lines, each line ending with a newline. Signed as a note by the log's key.
/// </summary>
public sealed record Checkpoint(string Origin, long TreeSize, byte[] RootHash, IReadOnlyList<string> Extensions)
{
    /// <summary>A checkpoint without extension lines.</summary>
    public Checkpoint(string origin, long treeSize, byte[] rootHash)
        : this(origin, treeSize, rootHash, []) { }

    /// <summary>The body text, as signed.</summary>
    public string Format()
    {
        var sb = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(TreeSize.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(RootHash)).Append('\n');
        foreach (var e in Extensions)
            sb.Append(e).Append('\n');
        return sb.ToString();
    }

    /// <summary>Parses a checkpoint body (a note's text).</summary>
    public static bool TryParse(string text, out Checkpoint checkpoint, out string error)
    {
        checkpoint = null!;
        if (text.Length == 0 || text[^1] != '\n')
            return Bad("the checkpoint must end with a newline", out error);
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
            return Bad("a checkpoint has an origin, a tree size and a root hash line", out error);
        if (lines[0].Length == 0)
            return Bad("the checkpoint's origin line is empty", out error);
        // Decimal ASCII without sign or leading zeros, so one size has one spelling.
        var size = lines[1];
        if (size.Length == 0 || size.Length > 19 || size.Any(c => c is < '0' or > '9') || (size.Length > 1 && size[0] == '0')
            || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var treeSize))
            return Bad($"the checkpoint's tree size \"{Shorten(size)}\" is not a decimal number", out error);
        if (!NoteBase64.TryDecode(lines[2], out var root) || root.Length != 32)
            return Bad("the checkpoint's root hash is not base64 of 32 bytes", out error);
        if (lines.Skip(3).Any(l => l.Length == 0))
            return Bad("the checkpoint has an empty extension line", out error);
        checkpoint = new Checkpoint(lines[0], treeSize, root, lines[3..]);
        error = "";
        return true;
    }

    private static bool Bad(string message, out string error)
    {
        error = message;
        return false;
    }

    private static string Shorten(string s) => s.Length <= 24 ? s : s[..24] + "…";
}
