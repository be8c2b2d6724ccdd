using System.Security.Cryptography;
using System.Text;
using CommunityAI.Formats.Notes;

namespace CommunityAI.ChainBridge.Checkpoints;

/// <summary>
/// The checkpoint key Development runs use when none is configured: its seed is SHA-256 of a published phrase, so
/// anyone can derive it. Its verifier key is in the README; it proves nothing and is never used outside Development.
/// </summary>
public static class DevelopmentCheckpointKey
{
    public const string Origin = "localhost/communityai-log";
    private const string Phrase = "CommunityAI development checkpoint key (public, never use outside Development)";

    public static NoteSigner Create() => new(Origin, SHA256.HashData(Encoding.UTF8.GetBytes(Phrase)));
}
