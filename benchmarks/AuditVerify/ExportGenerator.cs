using System.Security.Cryptography;
using CommunityAI.Audit.History;

namespace CommunityAI.Benchmarks.AuditVerify;

/// <summary>Writes an export of realistic entries (scores and credits with 0x ids and addresses), built by the tool's own format code.</summary>
internal static class ExportGenerator
{
    public static void Write(string path, int entries)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (int i = 0; i < entries; i++)
        {
            var id = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var address = "0x" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
            var at = start.AddTicks(i * 10L * 1000);
            var data = (i % 2) == 0
                ? $$"""{"contributionId":"{{id}}","contributor":"{{address}}","kind":"data","score":{{i % 101}},"policyVersion":"v1","scoredAt":"{{at:O}}"}"""
                : $$"""{"contributionId":"{{id}}","contributor":"{{address}}","amount":"{{(i + 1) * 1000000000000L}}","epoch":{{i / 100000}},"policyVersion":"v1","creditedAt":"{{at:O}}"}""";
            var row = new HistoryRow(i + 1 + i / 1000, Guid.NewGuid(), (i % 2 == 0 ? "scoring/" : "ledger/credits/") + id, 1,
                i % 2 == 0 ? "contribution_scored" : "contribution_rewarded", at, data);
            stream.Write(LogEntryFormat.Build(i, row));
            stream.WriteByte((byte)'\n');
        }
    }
}
