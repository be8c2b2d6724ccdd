using System.Reflection;
using CommunityAI.Contracts;

namespace CommunityAI.Formats.Tests.Contracts;

/// <summary>
/// contracts/asyncapi.yaml is what partners read; the records of CommunityAI.Contracts are what services send and the
/// history keeps. These tests fail when the two disagree: a record or member missing on either side, a member's type,
/// and the document's version against the package's.
/// </summary>
public sealed class AsyncApiDocumentTests
{
    private static readonly Assembly Package = typeof(ContributionScored).Assembly;
    private static readonly AsyncApiDocument Document = AsyncApiDocument.Load();
    private static readonly IReadOnlyList<Type> Records = ContractConformance.Records(Package);
    private static readonly IReadOnlySet<Type> Parts = ContractConformance.Parts(Records);

    public static TheoryData<string> Messages() => [.. Records.Where(r => !Parts.Contains(r)).Select(r => r.Name)];

    public static TheoryData<string> Schemas() => [.. Parts.Select(r => r.Name).Order()];

    [Fact]
    public void The_documents_version_is_the_packages()
    {
        var version = Package.GetName().Version!;
        Assert.Equal($"{version.Major}.{version.Minor}.{version.Build}", Document.Version);
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_and_every_member_is_documented_with_its_type(string message)
    {
        var record = Records.Single(r => r.Name == message);
        Assert.Empty(ContractConformance.Disagreements(record, Document.Payload(message), Document));
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Every_record_a_message_holds_is_a_documented_schema(string schema)
    {
        var record = Records.Single(r => r.Name == schema);
        Assert.Empty(ContractConformance.Disagreements(record, Document.Schemas.GetValueOrDefault(schema), Document));
    }

    [Fact]
    public void The_document_names_no_message_the_package_lacks()
    {
        var names = Records.Select(r => r.Name).ToHashSet();
        Assert.DoesNotContain(Document.Messages.Keys, m => !names.Contains(m));
    }

    [Fact]
    public void The_records_found_include_every_kind_of_member_the_check_must_handle()
    {
        // Guards the reflection itself: if record discovery broke, the theories above would pass on nothing.
        Assert.Contains(typeof(ContributionScored), Records);
        Assert.Contains(typeof(ScoreComponents), Parts);
        Assert.Contains(typeof(LoggedEntry), Parts);
        Assert.Contains(typeof(KindRule), Parts);
        Assert.True(Records.Count >= 24, $"found only {Records.Count} records");
    }

    [Fact]
    public void A_record_and_a_schema_that_disagree_are_reported_member_by_member()
    {
        var problems = ContractConformance.Disagreements(typeof(DriftedEpochClosed), Document.Payload(nameof(EpochClosed)), Document);

        Assert.Contains(problems, p => p.StartsWith("DriftedEpochClosed.epoch: String is written as a JSON string", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("DriftedEpochClosed.reason: not in the document", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("DriftedEpochClosed.claimRoot: in the document but not in the record", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("DriftedEpochClosed.closedAt: Int64 is written as a JSON integer", StringComparison.Ordinal));
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void Null_allowed_for_a_member_that_is_never_null_is_reported()
    {
        // contributionSize is [integer, 'null'] in the document; a record where it can never be null disagrees.
        var problems = ContractConformance.Disagreements(typeof(NeverNullSize), Document.Payload(nameof(ContributionSubmitted)), Document);

        Assert.Contains(problems, p => p == "NeverNullSize.contentSize: never null in the record, but the document allows null");
    }

    /// <summary>EpochClosed as if someone changed the record and forgot the document.</summary>
    private sealed record DriftedEpochClosed(string Epoch, long ClosedAt, string CreditedInEpoch, string CumulativeTotal, int Accounts, string Reason);

    private sealed record NeverNullSize(
        string ContributionId, string Contributor, string Kind, string ContentHash, string ContentUri, string Nonce, long Deadline,
        string Signature, long ContentSize, DateTimeOffset SubmittedAt, string? Text = null);
}
