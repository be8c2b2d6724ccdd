using Xunit.Abstractions;

namespace CommunityAI.Formats.Tests.Signing;

public class SigningVectorsTests(ITestOutputHelper output)
{
    [Fact]
    public void The_checked_in_vectors_are_what_ethers_produces_today()
    {
        var fresh = NodeReference.Run(
            output, "tests/CommunityAI.Formats.Tests/Signing/vectors/make-vectors.mjs", stdin: null, "ethers");
        if (fresh is null)
            return;

        var checkedIn = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, SigningVectors.RelativePath));
        // Compare text, not just parsed values: the file must be exactly what the script writes, so a
        // regenerated file shows no diff unless ethers' answers changed.
        Assert.Equal(Normalise(checkedIn), Normalise(fresh));
    }

    private static string Normalise(string text) => text.ReplaceLineEndings("\n").TrimEnd();
}
