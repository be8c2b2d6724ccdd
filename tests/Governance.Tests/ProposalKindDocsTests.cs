using System.Text.RegularExpressions;
using CommunityAI.Governance.Domain;
using CommunityAI.Testing;

namespace CommunityAI.Governance.Tests;

/// <summary>
/// The kinds a proposal may have are written out for readers in several places (the README's table, the AsyncAPI
/// document, the contracts' docs partners read); <see cref="ProposalKind.All"/> is the one source, and each of those
/// must list exactly its kinds, so a new kind cannot ship with the docs behind it. Parsed, not generated: the README's
/// list sits between markers, the AsyncAPI's is the <c>ProposalKind</c> enum, the contracts' the <c>Kind</c> parameter.
/// </summary>
public sealed partial class ProposalKindDocsTests
{
    private static readonly string Root = RepositoryRoot.Find();

    public static TheoryData<string> Documents() =>
    [
        "README.md",
        "contracts/asyncapi.yaml",
        "contracts/CommunityAI.Contracts/ProposalSubmitted.cs",
        "contracts/CommunityAI.Formats/Signing/ProposalPayload.cs",
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void The_document_lists_exactly_the_kinds_governance_accepts(string document)
    {
        var listed = KindsIn(document, File.ReadAllText(Path.Combine(Root, document)));

        Assert.True(listed.Count == listed.Distinct().Count(), $"{document} lists a kind twice: {string.Join(", ", listed)}");
        Assert.Equal(ProposalKind.All.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_list_with_a_kind_missing_or_added_is_seen()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var missing = readme.Replace("| `dataset-builder-removal` |", "| dataset builder removal |", StringComparison.Ordinal);
        var added = readme.Replace("<!-- /proposal-kinds -->", "| `treasury-spend` | x | y |\n<!-- /proposal-kinds -->", StringComparison.Ordinal);

        Assert.DoesNotContain(ProposalKind.DatasetBuilderRemoval, KindsIn("README.md", missing));
        Assert.Contains("treasury-spend", KindsIn("README.md", added));
    }

    private static List<string> KindsIn(string document, string text) => Path.GetExtension(document) switch
    {
        ".md" => Matches(MarkdownRow(), Between(text, "<!-- proposal-kinds -->", "<!-- /proposal-kinds -->", document)),
        ".yaml" => AsyncApiEnum().Match(text) is { Success: true } m
            ? m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList()
            : throw new Xunit.Sdk.XunitException($"{document} has no ProposalKind enum under components.schemas"),
        ".cs" => KindParam().Match(text) is { Success: true } m
            ? Matches(KebabWord(), m.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException($"{document} has no <param name=\"Kind\"> doc"),
        _ => throw new ArgumentException($"no reader for {document}", nameof(document)),
    };

    private static string Between(string text, string start, string end, string document)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from)
            throw new Xunit.Sdk.XunitException($"{document} has no {start} … {end} pair around its list of kinds");
        return text[(from + start.Length)..to];
    }

    private static List<string> Matches(Regex regex, string text) => regex.Matches(text).Select(m => m.Groups[1].Value).ToList();

    // A table row whose first cell is a kind in backquotes.
    [GeneratedRegex(@"^\|\s*`([a-z][a-z-]*)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex MarkdownRow();

    [GeneratedRegex(@"^\s*ProposalKind:\s*\{\s*type:\s*string,\s*enum:\s*\[([^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex AsyncApiEnum();

    [GeneratedRegex("""<param name="Kind">(.*?)</param>""", RegexOptions.Singleline)]
    private static partial Regex KindParam();

    // Every kind has a hyphen; the rest of the sentence around the list has none.
    [GeneratedRegex(@"\b([a-z]+(?:-[a-z]+)+)\b")]
    private static partial Regex KebabWord();
}
