using Xunit.Abstractions;

namespace CommunityAI.Formats.Tests.Signing;

public class SigningVectorsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("make-v2-vectors.mjs", SigningVectors.RelativePath)]
    [InlineData("make-v1-vectors.mjs", Version1Vectors.RelativePath)]
    public void The_checked_in_vectors_are_what_ethers_produces_today(string script, string vectors)
    {
        var fresh = NodeReference.Run(output, "tests/CommunityAI.Formats.Tests/Signing/vectors/" + script, stdin: null, "ethers");
        if (fresh is null)
            return;

        var checkedIn = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, vectors));
        // Compare text, not just parsed values: the file must be exactly what the script writes, so a
        // regenerated file shows no diff unless ethers' answers changed.
        Assert.Equal(Normalise(checkedIn), Normalise(fresh));
    }

    private static string Normalise(string text) => text.ReplaceLineEndings("\n").TrimEnd();
}
