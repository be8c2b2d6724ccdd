using System.Globalization;
using System.Security.Cryptography;
using CommunityAI.Contracts;
using CommunityAI.Formats;
using CommunityAI.Formats.Signing;
using CommunityAI.Testing;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// History facts a person signs, made the way the services record them: signed by an anvil development key in the tests'
/// domain, so the audit's signature replay accepts them and a test that writes history by hand tampers only where it means to.
/// </summary>
internal static class SignedFacts
{
    /// <summary>A contribution by development account <paramref name="account"/>; its id is its signed digest.</summary>
    public static ContributionSubmitted Contribution(int account, DateTimeOffset now, ulong nonce = 1, string? contentHash = null)
    {
        var deadline = (ulong)now.AddHours(1).ToUnixTimeSeconds();
        var payload = new ContributionPayload(AnvilNode.DevAddresses[account], "data", contentHash ?? Hex.Encode(RandomNumberGenerator.GetBytes(32)),
            "ipfs://x", TestChain.Licence, nonce, deadline);
        return new ContributionSubmitted(Hex.Encode(TypedDataSigner.Digest(payload, TestChain.Domain)), payload.Contributor, payload.Kind,
            payload.ContentHash, payload.ContentUri, Text(nonce), (long)deadline, Sign(payload, account), null, now, Licence: payload.Licence);
    }

    public static ValidatorRegistered Registration(int account, DateTimeOffset now, ulong nonce = 1)
    {
        var deadline = (ulong)now.AddHours(1).ToUnixTimeSeconds();
        var payload = new ValidatorRegistrationPayload(AnvilNode.DevAddresses[account], nonce, deadline);
        return new ValidatorRegistered(payload.Validator, 0.5m, Text(nonce), (long)deadline, Sign(payload, account), "scoring-1", now);
    }

    public static DatasetSnapshotted Snapshot(int builder, string root, IReadOnlyList<DatasetMember> members, DateTimeOffset now, ulong nonce = 1)
    {
        var deadline = (ulong)now.AddHours(1).ToUnixTimeSeconds();
        var payload = new DatasetSnapshotPayload(AnvilNode.DevAddresses[builder], "data", 0, "CC0-1.0", nonce, deadline);
        return new DatasetSnapshotted(root, payload.Builder, payload.Kind, payload.MinScore, payload.Licences, members.Count, members,
            Text(nonce), (long)deadline, Sign(payload, builder), now);
    }

    private static string Sign(ISignedMessage message, int account) =>
        TypedDataSigner.Sign(message, TestChain.Domain, AnvilNode.DevPrivateKeys[account]);

    private static string Text(ulong n) => n.ToString(CultureInfo.InvariantCulture);
}
