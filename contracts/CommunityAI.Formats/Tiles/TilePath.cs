using System.Globalization;
using System.Text;

namespace CommunityAI.Formats.Tiles;

/// <summary>
/// C2SP <c>tlog-tiles</c> paths: <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> for hash tiles and
/// <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c> for entry bundles, N written as 3-digit groups, all but the last
/// prefixed with x (1234067 → x001/x234/067). Only the one canonical spelling of each tile parses.
/// </summary>
/// <param name="Level">The tile level (tree level 8·L), or null for an entry bundle.</param>
/// <param name="Index">The tile index N.</param>
/// <param name="Width">The number of hashes or entries, 1 to 256; below 256 the path names a partial tile.</param>
public sealed record TilePath(int? Level, long Index, int Width)
{
    /// <summary>Hashes (or entries) in a full tile.</summary>
    public const int FullWidth = 256;

    /// <summary>Tree levels a tile spans.</summary>
    public const int Height = 8;

    /// <summary>The highest tile level a tree of up to 2^63 - 1 leaves has.</summary>
    public const int MaxLevel = 7;

    /// <summary>Whether the tile is partial.</summary>
    public bool IsPartial => Width < FullWidth;

    /// <summary>The path below the log's prefix, e.g. <c>tile/0/x001/234.p/5</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("tile/");
        sb.Append(Level is { } l ? l.ToString(CultureInfo.InvariantCulture) : "entries").Append('/').Append(FormatIndex(Index));
        if (IsPartial)
            sb.Append(".p/").Append(Width.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>N as 3-digit path elements, all but the last prefixed with x.</summary>
    public static string FormatIndex(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var groups = new List<string>();
        do
        {
            groups.Add((index % 1000).ToString("000", CultureInfo.InvariantCulture));
            index /= 1000;
        } while (index > 0);
        groups.Reverse();
        for (int i = 0; i < groups.Count - 1; i++)
            groups[i] = "x" + groups[i];
        return string.Join('/', groups);
    }

    /// <summary>Parses the part after <c>tile/</c>, e.g. <c>0/x001/234.p/5</c> or <c>entries/007</c>.</summary>
    public static bool TryParse(string path, out TilePath tile, out string error)
    {
        tile = null!;
        var parts = path.Split('/');
        if (parts.Length < 2)
            return Bad("a tile path is <level or entries>/<index>[.p/<width>]", out error);
        int? level = null;
        if (parts[0] != "entries")
        {
            if (parts[0].Length != 1 || parts[0][0] is < '0' or > (char)('0' + MaxLevel))
                return Bad($"tile level \"{Short(parts[0])}\" must be a digit from 0 to {MaxLevel}, or \"entries\"", out error);
            level = parts[0][0] - '0';
        }
        int width = FullWidth;
        var groups = parts[1..];
        if (groups.Length >= 2 && groups[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            var w = groups[^1];
            if (w.Length is 0 or > 3 || w[0] == '0' || w.Any(c => c is < '0' or > '9')
                || !int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out width) || width >= FullWidth)
                return Bad($"partial tile width \"{Short(w)}\" must be a number from 1 to {FullWidth - 1}", out error);
            groups = [.. groups[..^2], groups[^2][..^2]];
        }
        if (groups.Length > 7)
            return Bad("the tile index has too many path elements", out error);
        long index = 0;
        for (int i = 0; i < groups.Length; i++)
        {
            var g = groups[i];
            bool last = i == groups.Length - 1;
            var digits = last ? g : g.StartsWith('x') ? g[1..] : "";
            if (digits.Length != 3 || digits.Any(c => c is < '0' or > '9'))
                return Bad($"tile index element \"{Short(g)}\" must be {(last ? "3 digits" : "x and 3 digits")}", out error);
            index = checked(index * 1000 + int.Parse(digits, CultureInfo.InvariantCulture));
        }
        if (groups.Length > 1 && groups[0] == "x000")
            return Bad("the tile index must not start with x000", out error);
        tile = new TilePath(level, index, width);
        error = "";
        return true;
    }

    private static bool Bad(string message, out string error)
    {
        error = message;
        return false;
    }

    private static string Short(string s) => s.Length <= 16 ? s : s[..16] + "…";
}
