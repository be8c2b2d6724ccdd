namespace CommunityAI.Contributions.Apis;

/// <summary>The <c>sha-256</c> member of an RFC 9530 <c>Content-Digest</c> header (<c>sha-256=:&lt;base64&gt;:</c>, among others).</summary>
public static class ContentDigest
{
    public static bool TryParseSha256(string? header, out byte[] digest)
    {
        digest = [];
        if (string.IsNullOrEmpty(header))
            return false;
        foreach (var member in header.Split(','))
        {
            var (key, value) = member.Split('=', 2) is [var k, var v] ? (k.Trim(), v.Trim()) : ("", "");
            if (!key.Equals("sha-256", StringComparison.OrdinalIgnoreCase) || value.Length < 2 || value[0] != ':' || value[^1] != ':')
                continue;
            var bytes = new byte[33];
            if (Convert.TryFromBase64String(value[1..^1], bytes, out var written) && written == 32)
            {
                digest = bytes[..32];
                return true;
            }
        }
        return false;
    }
}
